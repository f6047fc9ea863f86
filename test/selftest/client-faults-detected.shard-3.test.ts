import { CLIENT_FAULT_SHARDS } from './client-fault-detection.ts';
import { defineFaultShard } from './fault-shard.ts';

// Shard 3 of the reference-client fault self-test (fault-shard.ts says why it is split).
defineFaultShard(CLIENT_FAULT_SHARDS, 3);
