// The peers' input files, generated from the same data center the Cascade rows use: a Pacemaker CIB and a Ganeti iallocator request.
import type { Blade, Workload } from '../src/core/model.js';

const num = (blade: Blade | Workload, key: string): number => {
  const value = 'resources' in blade ? blade.resources[key] : blade.requirements[key];
  return typeof value === 'number' ? value : 0;
};
const arch = (blade: Blade | Workload): string => {
  const value = 'resources' in blade ? blade.resources['cpuArch'] : blade.requirements['cpuArch'];
  return typeof value === 'string' ? value : 'none';
};
const xml = (s: string): string =>
  s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/**
 * Every blade a node with its resources as utilization capacity plus one `slot` (one workload per blade), every
 * workload a Dummy primitive running on its blade, placement-strategy=utilization, stickiness so that only the
 * failed node's resource moves, and an arch rule for the workloads that the runs fail (Pacemaker has no notion
 * of a required attribute otherwise).
 *
 * `pool` leaves out the occupied blades that no run fails, and their workloads: those blades have no free slot, so
 * the failed workload can never go there and Pacemaker's choice is the same (bench/peer-inputs.test.ts checks it
 * on the sizes where the whole cluster still runs), but the scheduler no longer orders every resource against
 * every node, which is what makes it quadratic and more in the cluster's size (docs/performance.md).
 */
export function pacemakerCib(
  blades: readonly Blade[],
  hosted: ReadonlyMap<string, Workload>,
  failing: readonly Workload[],
  scope: 'cluster' | 'pool' = 'cluster',
): string {
  if (scope === 'pool') {
    const failingIds = new Set(failing.map((w) => w.id));
    const kept = blades.filter(
      (b) => b.state === 'standby' || (hosted.has(b.id) && failingIds.has(hosted.get(b.id)!.id)),
    );
    const keptIds = new Set(kept.map((b) => b.id));
    return pacemakerCib(kept, new Map([...hosted].filter(([blade]) => keptIds.has(blade))), failing, 'cluster');
  }
  const out: string[] = [];
  out.push(
    '<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1">',
  );
  out.push('<configuration><crm_config><cluster_property_set id="opts">');
  out.push(
    '<nvpair id="o1" name="stonith-enabled" value="false"/><nvpair id="o2" name="no-quorum-policy" value="ignore"/>',
  );
  out.push(
    '<nvpair id="o3" name="placement-strategy" value="utilization"/><nvpair id="o4" name="enable-startup-probes" value="false"/>',
  );
  out.push('</cluster_property_set></crm_config><nodes>');
  blades.forEach((blade, i) => {
    const id = xml(blade.id);
    out.push(
      `<node id="${i + 1}" uname="${id}"><instance_attributes id="${id}-a"><nvpair id="${id}-arch" name="arch" value="${xml(arch(blade))}"/></instance_attributes>`,
    );
    out.push(
      `<utilization id="${id}-u">${utilization(id, blade)}<nvpair id="${id}-slot" name="slot" value="1"/></utilization></node>`,
    );
  });
  out.push('</nodes><resources>');
  for (const workload of hosted.values()) {
    const id = xml(workload.id);
    out.push(
      `<primitive id="${id}" class="ocf" provider="pacemaker" type="Dummy"><utilization id="${id}-u">${utilization(id, workload)}<nvpair id="${id}-slot" name="slot" value="1"/></utilization></primitive>`,
    );
  }
  out.push(
    '</resources><rsc_defaults><meta_attributes id="defaults"><nvpair id="d1" name="resource-stickiness" value="INFINITY"/></meta_attributes></rsc_defaults><constraints>',
  );
  for (const workload of failing) {
    const id = xml(workload.id);
    out.push(
      `<rsc_location id="${id}-arch" rsc="${id}"><rule id="${id}-arch-r" score="-INFINITY"><expression id="${id}-arch-e" attribute="arch" operation="ne" value="${xml(arch(workload))}"/></rule></rsc_location>`,
    );
  }
  out.push('</constraints></configuration><status>');
  blades.forEach((blade, i) => {
    const id = xml(blade.id);
    const workload = hosted.get(blade.id);
    out.push(`<node_state id="${i + 1}" uname="${id}" in_ccm="true" crmd="online" join="member" expected="member">`);
    if (workload !== undefined) {
      const w = xml(workload.id);
      out.push(
        `<lrm id="${i + 1}"><lrm_resources><lrm_resource id="${w}" class="ocf" provider="pacemaker" type="Dummy">`,
      );
      out.push(
        `<lrm_rsc_op id="${w}_last_0" operation_key="${w}_start_0" operation="start" crm-debug-origin="crm_simulate" crm_feature_set="3.16.1" transition-key="2:-1:0:x" transition-magic="0:0;2:-1:0:x" exit-reason="" call-id="2" rc-code="0" op-status="0" interval="0" last-rc-change="1" exec-time="0" queue-time="0" op-digest="f2317cad3d54cec5d7d7aa7d0bf35cf8"/>`,
      );
      out.push('</lrm_resource></lrm_resources></lrm>');
    }
    out.push('</node_state>');
  });
  out.push('</status></cib>');
  return out.join('\n');
}

function utilization(id: string, item: Blade | Workload): string {
  return ['memoryGiB', 'cpuCount', 'storageTB']
    .map((key) => `<nvpair id="${id}-${key}" name="${key}" value="${Math.round(num(item, key))}"/>`)
    .join('');
}

/** `* Start w1 ( n2 )`, `* Move w1 ( n1 -> n2 )` or `* Recover ...`: the node the resource goes to, or null. */
export function pacemakerChoice(output: string, workload: string): string | null {
  for (const line of output.split('\n')) {
    const match = /^\s*\*\s+(Start|Move|Recover|Migrate)\s+(\S+)\s+\(\s*(?:\S+\s+->\s+)?(\S+?)\s*\)/.exec(line);
    if (match !== null && match[2] === workload) return match[3]!;
  }
  return null;
}

const MIB_PER_GIB = 1024;
const MIB_PER_TB = 1024 * 1024;

/**
 * An iallocator `allocate` request for the failed workload, its blade offline, every other occupied blade drained
 * (one workload per blade), in one node group; the caller restricts hail to standby blades of the workload's arch.
 */
export function ganetiRequest(
  blades: readonly Blade[],
  hosted: ReadonlyMap<string, Workload>,
  failedBlade: string,
  workload: Workload,
): string {
  const nodes: Record<string, object> = {};
  for (const blade of blades) {
    const occupant = blade.id === failedBlade ? undefined : hosted.get(blade.id);
    const memory = Math.round(num(blade, 'memoryGiB') * MIB_PER_GIB);
    const disk = Math.round(num(blade, 'storageTB') * MIB_PER_TB);
    nodes[blade.id] = {
      drained: occupant !== undefined || blade.state !== 'standby',
      offline: blade.id === failedBlade || blade.state === 'failed',
      free_disk: occupant ? 0 : disk,
      total_disk: disk,
      free_memory: occupant ? 0 : memory,
      total_memory: memory,
      total_cpus: Math.round(num(blade, 'cpuCount')),
      reserved_cpus: 0,
      reserved_memory: 0,
      free_spindles: 12,
      total_spindles: 12,
      group: 'g1',
      i_pri_memory: occupant ? memory : 0,
      i_pri_up_memory: occupant ? memory : 0,
      master_candidate: true,
      master_capable: true,
      vm_capable: true,
      ndparams: { exclusive_storage: false, oob_program: null, spindle_count: 1 },
      primary_ip: '10.0.0.1',
      secondary_ip: '10.0.0.1',
      tags: [],
    };
  }
  const instances: Record<string, object> = {};
  for (const [bladeId, w] of hosted) {
    if (bladeId === failedBlade) continue;
    instances[w.id] = {
      ...instanceSpec(w),
      admin_state: 'up',
      admin_state_source: 'admin',
      nodes: [bladeId],
    };
  }
  const limits = {
    'cpu-count': 100_000,
    'disk-count': 16,
    'disk-size': 1e9,
    'memory-size': 1e9,
    'nic-count': 8,
    'spindle-use': 8,
  };
  return JSON.stringify({
    cluster_tags: [],
    enabled_hypervisors: ['xen-pvm'],
    nodegroups: {
      g1: {
        alloc_policy: 'preferred',
        name: 'default',
        networks: [],
        tags: [],
        ipolicy: {
          'disk-templates': ['plain'],
          minmax: [
            {
              max: limits,
              min: {
                'cpu-count': 1,
                'disk-count': 1,
                'disk-size': 1,
                'memory-size': 1,
                'nic-count': 0,
                'spindle-use': 1,
              },
            },
          ],
          'spindle-ratio': 32,
          std: {
            'cpu-count': 1,
            'disk-count': 1,
            'disk-size': 1024,
            'memory-size': 128,
            'nic-count': 1,
            'spindle-use': 1,
          },
          'vcpu-ratio': 1,
        },
      },
    },
    nodes,
    instances,
    request: {
      type: 'allocate',
      name: `${workload.id}-failover`,
      required_nodes: 1,
      tags: [],
      ...instanceSpec(workload),
    },
  });
}

function instanceSpec(w: Workload): object {
  const disk = Math.max(1, Math.round(num(w, 'storageTB') * MIB_PER_TB));
  return {
    memory: Math.max(1, Math.round(num(w, 'memoryGiB') * MIB_PER_GIB)),
    vcpus: Math.max(1, Math.round(num(w, 'cpuCount'))),
    disks: [{ mode: 'rw', size: disk, spindles: 1 }],
    disk_space_total: disk,
    disk_template: 'plain',
    hypervisor: 'xen-pvm',
    nics: [],
    os: 'debian-image',
    spindle_use: 1,
    tags: [],
  };
}

export function ganetiChoice(output: string): string | null {
  const parsed = JSON.parse(output) as { success?: boolean; result?: unknown };
  return parsed.success === true && Array.isArray(parsed.result) && typeof parsed.result[0] === 'string'
    ? parsed.result[0]
    : null;
}
