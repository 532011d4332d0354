/**
 * The bench's synthetic Pod number `i`: 16 per ReplicaSet, 40 namespaces, 100 Nodes,
 * Running and Ready, as the initial list shows it. No Events, intents or traces.
 */
export function syntheticPod(i: number): unknown {
  const rs = `app-${i >> 4}-5d567cc74c`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${rs}-${i.toString(36).padStart(5, 'x')}`,
      namespace: `team-${i % 40}`,
      uid: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      resourceVersion: String(1000 + i),
      creationTimestamp: '2026-11-22T09:00:00Z',
      labels: { app: `app-${i >> 4}`, 'pod-template-hash': '5d567cc74c' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: rs,
          uid: `00000000-0000-4000-9000-${(i >> 4).toString(16).padStart(12, '0')}`,
          controller: true,
        },
      ],
    },
    spec: {
      nodeName: `node-${i % 100}`,
      containers: [{ name: 'app', image: 'registry.example/app:v1' }],
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-11-22T09:00:05Z' }],
    },
  };
}
