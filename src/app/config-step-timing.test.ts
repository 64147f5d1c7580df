// The step deadline and backoff are configuration (the chaos campaign runs the controller with short ones);
// absent, the live timing's apply; wrong, one line names the field.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';

describe('controller step timing', () => {
  it('is optional, and taken as given', () => {
    expect(parseConfig({}, 'defaults').controller.stepMs).toBeUndefined();
    expect(
      parseConfig({ controller: { stepMs: 2_000, backoffMs: 20, maxBackoffMs: 200 } }, 'c.yaml').controller,
    ).toMatchObject({ stepMs: 2_000, backoffMs: 20, maxBackoffMs: 200 });
  });

  it('names the field of a wrong value', () => {
    expect(() => parseConfig({ controller: { stepMs: 5 } }, 'c.yaml')).toThrowError(
      new ConfigError('c.yaml: controller.stepMs: Too small: expected number to be >=100'),
    );
    expect(() => parseConfig({ controller: { backoffMs: 'fast' } }, 'c.yaml')).toThrowError(
      /^c\.yaml: controller\.backoffMs: /,
    );
  });
});
