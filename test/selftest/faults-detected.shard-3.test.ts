import { defineFaultShard } from './fault-shard.ts';

// Shard 3 of the fault self-test: see fault-shard.ts for why it is split.
defineFaultShard(3);
