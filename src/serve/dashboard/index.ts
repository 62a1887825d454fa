/** The dashboard: a read-only web page of a fleet, built from a data source (docs/dashboard.md). */
export { dashboardHandler, tokenMatches, type DashboardDeps, type DashboardHandler, type LiveFeed } from './app.js';
export { dashboardSource, type DashboardSource, type TargetDetail, type Failure } from './source.js';
export { liveHub, type LiveHub } from './live.js';
export { fleetModel, pageTargets, STATES, type FleetModel, type Overview, type TargetRow, type TargetQuery, type TargetPage, type TargetState } from './model.js';
