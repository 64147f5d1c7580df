// The Redfish interoperability fixes, each put back to the behaviour seen against services this project did not
// write (sushy-tools, DMTF's mockup server and Interface Emulator), with the tests that must then fail.
const R = 'src/adapters/redfish/';
const QUIRKS = `${R}redfish-quirks.test.ts`;

export const CHECKS = [
  {
    name: 'auth-default-session',
    bullet: 'session auth with no fallback',
    edits: [
      {
        file: `${R}redfish-auth.ts`,
        find: "const mode = this.endpoint.auth ?? 'auto';",
        revert: "const mode = this.endpoint.auth ?? 'session';",
      },
    ],
    tests: [QUIRKS],
  },
  {
    name: 'auth-no-fallback-on-500',
    bullet: 'session auth with no fallback (login answers 500)',
    edits: [
      {
        file: `${R}redfish-auth.ts`,
        find: "error.status === 403 || error.code !== 'auth'))\n",
        revert: "error.status === 403 || error.code !== 'auth' || true))\n",
      },
    ],
    tests: [QUIRKS],
  },
  {
    name: 'readyz-ignores-endpoints',
    bullet: '/readyz says ready while an endpoint fails',
    edits: [
      {
        file: 'src/api/routes/system.ts',
        find: "const ready = Object.values(checks).every((c) => c === 'ok' || c.startsWith('warning:'));",
        revert: "const ready = checks['controller'] === 'ok' && checks['store'] === 'ok';",
      },
    ],
    tests: ['src/app/serve-readiness.test.ts'],
  },
  {
    name: 'reset-non-object-body',
    bullet: 'a Reset answered 200 with a body that is not a JSON object is treated as failed',
    edits: [
      {
        file: `${R}redfish-client.ts`,
        find: "if (response.ok && method === 'GET')\n",
        revert: 'if (response.ok)\n',
      },
    ],
    tests: [QUIRKS],
  },
  {
    name: 'reset-task-not-followed',
    bullet: 'a 202 with a Task monitor is not followed',
    edits: [
      {
        file: `${R}redfish-hardware.ts`,
        find: 'if (reply.status === 202 && monitor) {',
        revert: 'if (reply.status === 202 && monitor && false) {',
      },
    ],
    tests: [QUIRKS],
  },
  {
    name: 'retries-not-logged',
    bullet: 'the retries appear only in `cascade events`, not in the log',
    edits: [
      { file: 'src/orchestrator/executor.ts', find: 'this.hooks.onRetry?.(current, step, error, tries);', revert: '' },
    ],
    tests: ['src/orchestrator/faults.test.ts'],
  },
  {
    name: 'cpu-count-sockets',
    bullet: 'cpuCount is CoreCount ?? Count (sockets)',
    edits: [
      {
        file: `${R}redfish-resources.ts`,
        find: 'const cores = summary?.CoreCount ?? (cpus && cpus.cores > 0 ? cpus.cores : null);',
        revert: 'const cores = summary?.CoreCount ?? summary?.Count ?? null;',
      },
    ],
    tests: [QUIRKS, `${R}redfish-dmtf.test.ts`],
  },
  {
    name: 'simple-storage-ignored',
    bullet: 'storage listed only under SimpleStorage is ignored',
    edits: [
      {
        file: `${R}redfish-resources.ts`,
        find: 'if (drives === null && system.SimpleStorage) {',
        revert: 'if (drives === null && system.SimpleStorage && false) {',
      },
    ],
    tests: [QUIRKS],
  },
  {
    name: 'memory-collection-ignored',
    bullet: 'a System without MemorySummary is dropped though its Memory collection has the DIMMs',
    edits: [
      {
        file: `${R}redfish-resources.ts`,
        find: "(system.Memory ? await memoryGiB(client, system.Memory['@odata.id'], about) : null);",
        revert: 'null;',
      },
    ],
    tests: [QUIRKS],
  },
  {
    name: 'vcpus-as-cores',
    bullet: 'libvirt vCPUs read as cores, not threads',
    edits: [
      {
        file: 'src/adapters/libvirt/libvirt-workloads.ts',
        find: "this.#vcpusAs = options.vcpusAs ?? 'cpuThreads';",
        revert: "this.#vcpusAs = options.vcpusAs ?? 'cpuCount';",
      },
    ],
    tests: ['src/adapters/libvirt'],
  },
  {
    name: 'resources-never-reread',
    bullet: 'resources are never re-read',
    edits: [{ file: 'src/orchestrator/blade-refresh.ts', find: '      resources: seen.resources,\n', revert: '' }],
    tests: ['src/orchestrator/blade-refresh.test.ts'],
  },
  {
    name: 'system-name-dropped',
    bullet: 'the System Name is dropped',
    edits: [{ file: `${R}redfish-inventory.ts`, find: '...(name && name !== system.Id ? { name } : {}),', revert: '' }],
    tests: [QUIRKS, 'src/cli/commands/blade-names.test.ts'],
  },
  {
    name: 'slot-from-ordinal',
    bullet: 'the slot comes from LocationOrdinalValue instead of the service label',
    edits: [
      {
        file: `${R}redfish-inventory.ts`,
        find: 'if (label && fromLabel !== null) return { slot: fromLabel, label };',
        revert: '',
      },
    ],
    tests: [QUIRKS, `${R}redfish-dmtf.test.ts`],
  },
  {
    name: 'drivers-check-skips-redfish',
    bullet: '`cascade drivers check` never checks Redfish endpoints',
    edits: [
      {
        file: 'src/cli/commands/drivers.ts',
        find: 'const redfish = site.redfish.length > 0 ? await checkRedfish(site.redfish) : [];',
        revert: 'const redfish: RedfishEndpointCheck[] = [];',
      },
    ],
    tests: ['src/cli/commands/drivers-redfish.test.ts'],
  },
  {
    name: 'tls-advice',
    bullet: 'a TLS failure says "set tls.ca"; the key is tls.caFile',
    edits: [
      {
        file: `${R}redfish-failures.ts`,
        find: "set tls.caFile to the service's CA",
        revert: "set tls.ca to the service's CA",
      },
    ],
    tests: [`${R}redfish-tls.test.ts`],
  },
  {
    name: 'push-never-subscribes',
    bullet: 'only the SSE stream is followed',
    edits: [
      {
        file: `${R}redfish-hardware.ts`,
        find: 'this.#push = o.push ? new PushSubscription(this.#client, service, o.push, say) : null;',
        revert: 'this.#push = null;',
      },
    ],
    tests: [`${R}redfish-push.test.ts`],
  },
  {
    name: 'timeout-3s',
    bullet: 'the default timeoutMs of 3 s is short for real BMC logins',
    edits: [
      {
        file: 'src/app/config-sections.ts',
        find: 'timeoutMs: ms(120_000).default(10_000),',
        revert: 'timeoutMs: ms(120_000).default(3_000),',
      },
    ],
    tests: ['src/app/config.test.ts'],
  },
];
