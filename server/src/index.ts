// The central server: composition root lives in main.ts.
export {};
