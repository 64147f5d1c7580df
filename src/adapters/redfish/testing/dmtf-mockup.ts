// Where DMTF's published public-bladed mockup lives in the repository, for the tests that serve it.
import { join } from 'node:path';

/**
 * DMTF's published public-bladed mockup (an enclosure of four blade Systems), kept unchanged in the repository under
 * its BSD-3-Clause license so that a clone alone runs the tests against it.
 */
export const DMTF_PUBLIC_BLADED = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'test',
  'fixtures',
  'redfish-mockups',
  'public-bladed',
);
