// /api/v1/devices: the fleet filtered by status, OS and hostname; one device with results, enforcement, health and history.
import { DeviceDetail, DeviceList } from "./vendor/vendor.js";
import { request } from "./api.js";

export const listDevices = (filter = {}) => request("GET", "/api/v1/devices", { schema: DeviceList, query: filter });
export const getDevice = (id) => request("GET", `/api/v1/devices/${encodeURIComponent(id)}`, { schema: DeviceDetail });
