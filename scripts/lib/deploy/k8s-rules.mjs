// What the schemas cannot see: how the objects of one rendered overlay fit together (probes on real ports, a
// disruption budget per Deployment, Services and autoscalers pointing at Deployments that exist, the consumer group
// of each lag trigger, the settings JSON each service will receive).
import { issueAt } from './docs.mjs';
import { splitImage } from './kustomize.mjs';
import { checkEnv } from './settings.mjs';

/** Kubernetes resource.Quantity: a decimal number with an optional binary or decimal suffix or exponent. */
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const SCALED_OBJECT_SPEC = new Set([
  'scaleTargetRef',
  'pollingInterval',
  'cooldownPeriod',
  'initialCooldownPeriod',
  'idleReplicaCount',
  'minReplicaCount',
  'maxReplicaCount',
  'fallback',
  'advanced',
  'triggers',
]);
/** Parameters of KEDA's kafka scaler (keda.sh docs, 2.10 to 2.18); the CRD leaves trigger metadata free-form. */
const KAFKA_TRIGGER_METADATA = new Set([
  'bootstrapServers',
  'consumerGroup',
  'topic',
  'lagThreshold',
  'activationLagThreshold',
  'offsetResetPolicy',
  'allowIdleConsumers',
  'scaleToZeroOnInvalidOffset',
  'excludePersistentLag',
  'limitToPartitionsWithLag',
  'ensureEvenDistributionOfPartitions',
  'partitionLimitation',
  'version',
  'sasl',
  'tls',
  'unsafeSsl',
]);

const matches = (selector, labels) =>
  Object.entries(selector ?? {}).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/**
 * @param {Array<{ file: string, doc: any, line: Function }>} objects one rendered overlay
 * @param {string} overlay its name, for messages
 * @returns {import('./docs.mjs').Issue[]}
 */
export function checkOverlay(objects, overlay) {
  const issues = [];
  const of = (kind) => objects.filter((o) => o.doc.kind === kind);
  const configMaps = new Map(of('ConfigMap').map((o) => [o.doc.metadata.name, o]));
  const secrets = new Map(of('Secret').map((o) => [o.doc.metadata.name, o]));
  const deployments = of('Deployment');
  const byName = new Map(deployments.map((o) => [o.doc.metadata.name, o]));
  const autoscaled = new Map();

  for (const cm of configMaps.values()) {
    const { KAFKA_BROKERS: list, KAFKA_BROKERS_JSON: json } = cm.doc.data ?? {};
    if (list === undefined && json === undefined) continue;
    let parsed;
    try {
      parsed = JSON.parse(json ?? '');
    } catch {
      issues.push(issueAt(cm, ['data', 'KAFKA_BROKERS_JSON'], 'must be a JSON array of "host:port" strings'));
      continue;
    }
    if (!Array.isArray(parsed) || parsed.join(',') !== list) {
      issues.push(issueAt(cm, ['data', 'KAFKA_BROKERS_JSON'], `must list the same brokers as KAFKA_BROKERS (${list})`));
    }
  }

  for (const d of deployments) {
    const name = d.doc.metadata.name;
    const pod = d.doc.spec?.template;
    const base = ['spec', 'template', 'spec'];
    if (!matches(d.doc.spec?.selector?.matchLabels, pod?.metadata?.labels)) {
      issues.push(issueAt(d, ['spec', 'selector', 'matchLabels'], 'must match the pod template labels'));
    }
    for (const [ci, c] of (pod?.spec?.containers ?? []).entries()) {
      const at = [...base, 'containers', ci];
      const ports = new Map((c.ports ?? []).map((p) => [p.name, p.containerPort]));
      for (const probe of ['livenessProbe', 'readinessProbe']) {
        if (!c[probe]) {
          issues.push(
            issueAt(d, [...at, probe], 'is missing: every service container needs liveness and readiness probes'),
          );
          continue;
        }
        const port = c[probe].httpGet?.port;
        if (port !== undefined && !(typeof port === 'number' ? [...ports.values()].includes(port) : ports.has(port))) {
          issues.push(issueAt(d, [...at, probe, 'httpGet', 'port'], `"${port}" is not a port of the container`));
        }
      }
      for (const [field, keys] of [
        ['requests', ['cpu', 'memory']],
        ['limits', ['memory']],
      ]) {
        for (const key of keys) {
          if (c.resources?.[field]?.[key] === undefined) {
            issues.push(
              issueAt(d, [...at, 'resources', field, key], 'is missing: set requests (cpu, memory) and a memory limit'),
            );
          }
        }
      }
      // The JSON schemas accept any string for a quantity; the API server does not.
      for (const field of ['requests', 'limits']) {
        for (const [key, value] of Object.entries(c.resources?.[field] ?? {})) {
          if (!QUANTITY.test(String(value))) {
            issues.push(
              issueAt(
                d,
                [...at, 'resources', field, key],
                `"${value}" is not a Kubernetes quantity (e.g. 250m, 512Mi, 1)`,
              ),
            );
          }
        }
      }
      const [image] = splitImage(c.image ?? '');
      if (image !== `ghcr.io/humangov/${name}`) {
        issues.push(issueAt(d, [...at, 'image'], `must be ghcr.io/humangov/${name}:<tag>, not ${c.image}`));
      }
      issues.push(...checkEnv(d, at, c, name, configMaps, secrets));
    }
  }

  const pdbs = of('PodDisruptionBudget');
  for (const d of deployments) {
    const labels = d.doc.spec?.template?.metadata?.labels;
    const covering = pdbs.filter((p) => matches(p.doc.spec?.selector?.matchLabels, labels));
    if (covering.length !== 1) {
      issues.push(
        issueAt(
          d,
          ['metadata', 'name'],
          `needs exactly one PodDisruptionBudget selecting its pods (found ${covering.length})`,
        ),
      );
    }
  }
  for (const p of pdbs) {
    if (!deployments.some((d) => matches(p.doc.spec?.selector?.matchLabels, d.doc.spec?.template?.metadata?.labels))) {
      issues.push(issueAt(p, ['spec', 'selector', 'matchLabels'], 'selects the pods of no Deployment'));
    }
  }

  for (const s of of('Service')) {
    const target = deployments.find((d) => matches(s.doc.spec?.selector, d.doc.spec?.template?.metadata?.labels));
    if (!target) {
      issues.push(issueAt(s, ['spec', 'selector'], 'selects the pods of no Deployment'));
      continue;
    }
    const names = new Set(
      (target.doc.spec.template.spec.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.name)),
    );
    for (const [i, port] of (s.doc.spec.ports ?? []).entries()) {
      if (typeof port.targetPort === 'string' && !names.has(port.targetPort)) {
        issues.push(
          issueAt(
            s,
            ['spec', 'ports', i, 'targetPort'],
            `"${port.targetPort}" is not a port of Deployment/${target.doc.metadata.name}`,
          ),
        );
      }
    }
  }

  const brokers = [...configMaps.values()].map((cm) => cm.doc.data?.KAFKA_BROKERS).find(Boolean);
  const target = (o, ref, at, lagTriggers) => {
    const d = byName.get(ref?.name);
    if (!d || (ref.kind ?? 'Deployment') !== 'Deployment') {
      issues.push(
        issueAt(o, at, `targets ${ref?.kind ?? 'Deployment'}/${ref?.name}, which this overlay does not define`),
      );
      return;
    }
    if (autoscaled.has(ref.name)) {
      issues.push(
        issueAt(
          o,
          at,
          `Deployment/${ref.name} is already scaled by ${autoscaled.get(ref.name).where}: two autoscalers fight`,
        ),
      );
    }
    autoscaled.set(ref.name, { where: `${o.doc.kind}/${o.doc.metadata.name}`, lag: lagTriggers });
    if (d.doc.metadata.annotations?.['humangov.dev/autoscaling'] === 'none') {
      issues.push(
        issueAt(o, at, `Deployment/${ref.name} is annotated humangov.dev/autoscaling: none (a single writer)`),
      );
    }
    return d;
  };

  for (const so of of('ScaledObject')) {
    for (const key of Object.keys(so.doc.spec ?? {})) {
      if (!SCALED_OBJECT_SPEC.has(key))
        issues.push(issueAt(so, ['spec', key], 'is not a field of a KEDA ScaledObject spec'));
    }
    const kafka = (so.doc.spec?.triggers ?? []).map((t, i) => [t, i]).filter(([t]) => t.type === 'kafka');
    const d = target(so, so.doc.spec?.scaleTargetRef, ['spec', 'scaleTargetRef', 'name'], kafka.length);
    for (const [t, i] of kafka) {
      const at = ['spec', 'triggers', i, 'metadata'];
      for (const key of Object.keys(t.metadata ?? {})) {
        if (!KAFKA_TRIGGER_METADATA.has(key))
          issues.push(issueAt(so, [...at, key], 'is not a parameter of the KEDA kafka scaler'));
      }
      const group = d?.doc.metadata.annotations?.['humangov.dev/consumer-group'];
      if (d && t.metadata?.consumerGroup !== group) {
        issues.push(
          issueAt(
            so,
            [...at, 'consumerGroup'],
            `must be the group Deployment/${d.doc.metadata.name} consumes with ("${group}")`,
          ),
        );
      }
      if (brokers && t.metadata?.bootstrapServers !== brokers) {
        issues.push(
          issueAt(so, [...at, 'bootstrapServers'], `must equal KAFKA_BROKERS of the ConfigMap ("${brokers}")`),
        );
      }
      if (!/^[1-9][0-9]*$/.test(String(t.metadata?.lagThreshold ?? ''))) {
        issues.push(issueAt(so, [...at, 'lagThreshold'], 'must be a positive whole number (as a string)'));
      }
    }
  }

  for (const h of of('HorizontalPodAutoscaler')) {
    const external = (h.doc.spec?.metrics ?? []).map((m, i) => [m, i]).filter(([m]) => m.type === 'External');
    const d = target(h, h.doc.spec?.scaleTargetRef, ['spec', 'scaleTargetRef', 'name'], external.length);
    for (const [m, i] of external) {
      const group = d?.doc.metadata.annotations?.['humangov.dev/consumer-group'];
      const got = m.external?.metric?.selector?.matchLabels?.consumergroup;
      if (d && got !== group) {
        issues.push(
          issueAt(
            h,
            ['spec', 'metrics', i, 'external', 'metric', 'selector', 'matchLabels', 'consumergroup'],
            `must be "${group}", the group Deployment/${d.doc.metadata.name} consumes with`,
          ),
        );
      }
    }
  }

  // An overlay that scales on lag must do so for every consumer that may have more than one pod.
  if ([...autoscaled.values()].some((a) => a.lag > 0)) {
    for (const d of deployments) {
      const a = d.doc.metadata.annotations ?? {};
      if (
        a['humangov.dev/consumer-group'] &&
        a['humangov.dev/autoscaling'] !== 'none' &&
        !(autoscaled.get(d.doc.metadata.name)?.lag > 0)
      ) {
        issues.push(
          issueAt(
            d,
            ['metadata', 'annotations'],
            `consumes as group "${a['humangov.dev/consumer-group']}" but overlay ${overlay} does not scale it on consumer lag`,
          ),
        );
      }
    }
  }
  for (const d of deployments) {
    if (d.doc.metadata.annotations?.['humangov.dev/autoscaling'] === 'none' && d.doc.spec?.replicas !== 1) {
      issues.push(
        issueAt(d, ['spec', 'replicas'], 'must be 1: the Deployment is annotated humangov.dev/autoscaling: none'),
      );
    }
  }
  return issues;
}
