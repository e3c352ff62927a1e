import type { EncryptionControl } from '../../schema/catalogs';
import type { EncryptionInventory } from '../../schema/evidence';

/** The deployment's encryption controls, counted by where they apply. */
export function computeEncryptionInventory(
  controls: readonly EncryptionControl[],
): EncryptionInventory {
  return {
    total: controls.length,
    atRest: controls.filter((c) => c.appliesTo !== 'in_transit').length,
    inTransit: controls.filter((c) => c.appliesTo !== 'at_rest').length,
    controls: [...controls],
  };
}
