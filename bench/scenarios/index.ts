import type { Scenario } from '../lib/types';
import { s1, s1r } from './s1-fan-out';
import { s2 } from './s2-idle-sockets';
import { s3 } from './s3-send-message';
import { s4 } from './s4-typename';
import { s5 } from './s5-history';
import { s6 } from './s6-search';
import { s7 } from './s7-reply-send';
import { s8 } from './s8-rich-history';

/**
 * Every scenario, in the order they run on each engine. A new one (S1 fan-out, S2 idle
 * subscribers...) is a module exporting a Scenario, listed here; the runner needs no change.
 */
export const SCENARIOS: Scenario[] = [s4, s3, s5, s1, s1r, s2, s6, s7, s8];
