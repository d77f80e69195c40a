// Stands in for zod's locales/index.js in the browser bundle: the dashboard speaks English, and the other 40-odd
// locales (a third of the bundle) would only slow the first load.
export { default as en } from "zod/v4/locales/en.js";
