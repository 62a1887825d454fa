/** Deploy: instance registry, post-deploy guard, auto-contract, wait-for-schema, the upgrade flow. */
export { checkPostGuard, isLive, describeInstance, type InstanceRecord, type GuardProblem, type GuardVerdict } from './guard.js';
export { INSTANCE_PROTOCOL, INSTANCE_PROTOCOL_VERSION, INSTANCE_COLUMNS } from './protocol.js';
export { readRegistry, upsertInstance, removeInstance, createRegistry, registryTable, type InstanceInfo, type RegistrySnapshot } from './registry.js';
export { startInstance, instanceApplicationName, INSTANCE_DEFAULTS, type Instance, type StartInstanceOptions } from './instance.js';
export { guardedRun, guardError, postDeployGuard, type GuardOptions } from './guarded-run.js';
export { runAutoContract, type AutoContractReport, type ContractOutcome } from './auto-contract.js';
export { schemaState, type SchemaState } from './schema-state.js';
export { waitForSchemaOn, type WaitForSchemaOptions, type WaitForSchemaReport } from './wait-for-schema.js';
export { compareVersions, highestVersion, orderOf, anyOrder } from './versions.js';
export { runUpgrade, upgradeError, UPGRADE_STEPS, type UpgradeOptions, type UpgradePorts, type UpgradeReport, type UpgradeStep } from './upgrade.js';
export { registerInstance, listInstances, forgetInstance, waitForSchema, type RegisterInstanceOptions, type InstancesReport } from './library.js';
export { versionFromHealth, parseVersionField, DEFAULT_VERSION_FIELDS } from './health-version.js';
