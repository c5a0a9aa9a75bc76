import { createRequire } from 'node:module';

/**
 * class-transformer 0.4.1 was published with 0.5's renamed API (plainToInstance, no plainToClass:
 * typestack/class-transformer#994, class-validator#1411), and Jovo 4.6's @jovotech/output asks for
 * "^0.4.0", so every Jovo output conversion throws "plainToClass is not a function". Jovo apps pin
 * class-transformer (npm `overrides`: 0.4.0 or 0.5.1, whose plainToClass is plainToInstance under its
 * old name); this install cannot, so the tests restore the old name the same way before Jovo loads.
 */
const exported = createRequire(__filename)('class-transformer') as Record<string, unknown>;
if (typeof exported.plainToClass !== 'function' && typeof exported.plainToInstance === 'function') exported.plainToClass = exported.plainToInstance;
