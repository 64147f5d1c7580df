// The libvirt driver in one import: the WorkloadPort over virsh, its configuration section, and its errors.
export {
  LibvirtWorkloads,
  migrationBlocked,
  type HostSurvey,
  type LibvirtHostSpec,
  type LibvirtWorkloadsOptions,
} from './libvirt-workloads.js';
export { libvirtConfigSchema, parseLibvirtConfig } from './libvirt-config.js';
export { LibvirtError, type LibvirtCode } from './libvirt-error.js';
export { REQUIREMENTS_NS } from './domain-facts.js';
