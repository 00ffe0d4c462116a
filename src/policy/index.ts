export * from "./model.js";
export * from "./from-events.js";
export * from "./apparmor-vocabulary.js";
export * from "./allowlist-schema.js";
export * from "./allowlist.js";
export * from "./from-allowlist.js";
export * from "./allowlist-json-schema.js";
export * from "./trace-census.js";
