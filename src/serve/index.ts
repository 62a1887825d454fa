/** Serve: the health endpoint (a node:http handler) and its standalone server. */
export { healthResult, type HealthBody, type HealthResult } from './health.js';
export { createHealthHandler, type HealthDeps, type HealthHandler } from './handler.js';
export { healthHandler, type HealthHandlerOptions } from './library.js';
