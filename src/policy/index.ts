export * from "./model.js";
export * from "./from-events.js";
