// The IPMI driver in one import: the HardwarePort over ipmitool, its configuration section, and its errors.
export { IpmiHardware, type HealthReport, type IpmiBlade, type IpmiHardwareOptions } from './ipmi-hardware.js';
export { ipmiConfigSchema, parseIpmiConfig, type SecretSources } from './ipmi-config.js';
export { IpmiError, type IpmiCode } from './ipmi-error.js';
export type { BmcTarget } from './ipmitool.js';
