import type { Admin, Kafka } from 'kafkajs';

/** What kafkajs 2.2 keeps behind `Kafka`'s private cluster factory (the parts used here). */
interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(request: { groupId: string }): Promise<{ leaveGroup(request: { groupId: string; memberId: string }): Promise<unknown> }>;
}

type ClusterFactory = (options: { allowAutoTopicCreation: boolean }) => InternalCluster;

/**
 * Takes the members that an earlier process of this runtime left in its consumer group out of
 * it, with Kafka's LeaveGroup request sent on their behalf.
 *
 * After kill -9 the dead process stays a member until its session times out, and a new member's
 * join waits for every known member to rejoin: up to a minute before the restarted runtime reads
 * again. kafkajs has no manual partition assignment (as Flink's consumer does it), so the dead
 * members are removed instead. A member is taken as an earlier process of this runtime when it
 * has this runtime's client id: one runtime per consumer group, as with kafkajs it must be.
 *
 * kafkajs exposes no LeaveGroup for other members; this uses its internal cluster (as kafkajs
 * 2.2 has it). When that is not there, nothing is removed and the join waits as before.
 *
 * @returns the member ids removed.
 */
export async function removePredecessorMembers(kafka: Kafka, admin: Admin, groupId: string, clientId: string): Promise<string[]> {
  const { groups } = await admin.describeGroups([groupId]);
  const members = (groups[0]?.members ?? []).filter((member) => member.clientId === clientId).map((member) => member.memberId);
  const createCluster = clusterFactory(kafka);
  if (members.length === 0 || createCluster === undefined) return [];
  const cluster = createCluster({ allowAutoTopicCreation: false });
  await cluster.connect();
  try {
    const coordinator = await cluster.findGroupCoordinator({ groupId });
    const removed: string[] = [];
    for (const memberId of members) {
      try {
        await coordinator.leaveGroup({ groupId, memberId });
        removed.push(memberId);
      } catch (error) {
        // Gone meanwhile (its session expired): nothing to remove.
        if ((error as { type?: string }).type !== 'UNKNOWN_MEMBER_ID') throw error;
      }
    }
    return removed;
  } finally {
    await cluster.disconnect();
  }
}

function clusterFactory(kafka: Kafka): ClusterFactory | undefined {
  const key = Object.getOwnPropertySymbols(kafka).find((symbol) => symbol.description === 'private:Kafka:createCluster');
  const factory = key === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[key];
  return typeof factory === 'function' ? (factory as ClusterFactory) : undefined;
}
