import { SERVER_FAULT_SHARDS } from './fault-detection.ts';
import { defineFaultShard } from './fault-shard.ts';

// Shard 2 of the simulator-fault self-test (fault-shard.ts says why it is split).
defineFaultShard(SERVER_FAULT_SHARDS, 2);
