// The CLI's main() in this process, its output captured: for tests that need the process's own servers or fakes.
import { vi } from 'vitest';
import { main } from '../program.js';

export async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  try {
    return { code: await main(argv), out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

/** runCli against a controller's API, as `CASCADE_URL` and `CASCADE_TOKEN` name it; both are put back after. */
export async function runCliAt(
  url: string,
  token: string,
  argv: string[],
): Promise<{ code: number; out: string; err: string }> {
  const saved = { CASCADE_URL: process.env['CASCADE_URL'], CASCADE_TOKEN: process.env['CASCADE_TOKEN'] };
  process.env['CASCADE_URL'] = url;
  process.env['CASCADE_TOKEN'] = token;
  try {
    return await runCli(argv);
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
