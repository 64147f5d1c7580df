// The emulated hypervisor and SAN drivers: WorkloadPort and StoragePort over the emulator's JSON control API.
export { EmulatedStorage } from './emulated-storage.js';
export { EmulatedWorkloads, type WorkloadListing } from './emulated-workloads.js';
export { EmulatorClient, EmulatorError, type EmulatorEndpoint } from './emulator-client.js';
