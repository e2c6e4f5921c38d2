// What ties the compose file and the Dockerfile to the services and to the Kubernetes manifests: six services built
// from deploy/Dockerfile with their name as SERVICE, settings JSON they can parse, brokers and database waited for,
// and one command, user and port set shared by the image and the Deployments.
import { dotted } from './docs.mjs';
import { SETTINGS_KEYS } from './settings.mjs';

export const SERVICES = ['citizen-registry', 'benefits', 'eligibility', 'payments', 'notifications', 'audit'];
const INFRA = ['kafka', 'rabbitmq', 'postgres'];

/**
 * @param {any} project the resolved project printed by `docker compose config --format json`
 * @param {{ file: string, line: Function }} record the compose file as read (for line numbers)
 */
export function checkCompose(project, record) {
  const issues = [];
  const at = (segments, message) => ({
    file: record.file,
    line: record.line(segments),
    path: dotted(segments),
    message,
  });
  const services = project.services ?? {};
  for (const name of [...SERVICES, ...INFRA]) {
    if (!services[name]) issues.push(at(['services'], `has no service "${name}"`));
    else if (!services[name].healthcheck?.test) issues.push(at(['services', name], 'needs a healthcheck'));
  }
  const kafka = services.kafka;
  if (
    kafka &&
    !(kafka.image?.startsWith('apache/kafka:') && /controller/.test(kafka.environment?.KAFKA_PROCESS_ROLES ?? ''))
  ) {
    issues.push(at(['services', 'kafka'], 'must be apache/kafka in KRaft mode (KAFKA_PROCESS_ROLES with controller)'));
  }
  for (const name of SERVICES.filter((n) => services[n])) {
    const s = services[name];
    if (s.build?.args?.SERVICE !== name || !/(^|\/)deploy\/Dockerfile$/.test(s.build?.dockerfile ?? '')) {
      issues.push(at(['services', name, 'build'], `must build deploy/Dockerfile with args.SERVICE: ${name}`));
    }
    if (!s.image?.startsWith(`ghcr.io/humangov/${name}:`)) {
      issues.push(at(['services', name, 'image'], `must be ghcr.io/humangov/${name}:<tag>`));
    }
    for (const dep of INFRA) {
      if (s.depends_on?.[dep]?.condition !== 'service_healthy') {
        issues.push(at(['services', name, 'depends_on'], `must wait for ${dep} with condition: service_healthy`));
      }
    }
    let settings;
    try {
      settings = JSON.parse(s.environment?.DEMO_SETTINGS ?? '');
    } catch (error) {
      issues.push(
        at(
          ['services', name, 'environment'],
          `DEMO_SETTINGS must be a JSON object once interpolated (${error.message})`,
        ),
      );
      continue;
    }
    const missing = SETTINGS_KEYS.filter((k) => settings[k] === undefined);
    if (missing.length > 0)
      issues.push(at(['services', name, 'environment'], `DEMO_SETTINGS lacks ${missing.join(', ')}`));
  }
  return issues;
}

/** Instructions of the final stage of a Dockerfile: `[{ line, instruction, args }]` (continuations joined). */
export function finalStage(text) {
  const out = [];
  let pending = '';
  let start = 0;
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) continue;
    if (!pending) start = i + 1;
    pending += `${line.replace(/\\$/, '')} `;
    if (line.endsWith('\\')) continue;
    const [instruction, ...rest] = pending.trim().split(/\s+/);
    out.push({ line: start, instruction: instruction.toUpperCase(), args: rest.join(' ') });
    pending = '';
  }
  const last = out.map((x) => x.instruction).lastIndexOf('FROM');
  return out.slice(last);
}

/**
 * The image must run what the Deployments run, as the user they run as, on the ports they probe.
 * @param {string} text the Dockerfile
 * @param {string} rel its name for messages
 * @param {Array<{ doc: any }>} deployments the Deployments of the base
 */
export function checkDockerfile(text, rel, deployments) {
  const issues = [];
  const stage = finalStage(text);
  const find = (name) => stage.filter((x) => x.instruction === name).at(-1);
  const cmd = find('CMD');
  const user = find('USER');
  const exposed = new Set(
    stage
      .filter((x) => x.instruction === 'EXPOSE')
      .flatMap((x) => x.args.split(/\s+/).map((p) => Number.parseInt(p, 10))),
  );
  let command;
  try {
    command = cmd && JSON.parse(cmd.args);
  } catch {
    command = undefined;
  }
  if (!Array.isArray(command))
    issues.push({ file: rel, line: cmd?.line, message: 'the final stage needs CMD in exec form (a JSON array)' });
  for (const d of deployments) {
    const spec = d.doc.spec?.template?.spec ?? {};
    for (const c of spec.containers ?? []) {
      if (Array.isArray(command) && JSON.stringify(c.command) !== JSON.stringify(command)) {
        issues.push({
          file: rel,
          line: cmd.line,
          message: `CMD ${JSON.stringify(command)} differs from the command of Deployment/${d.doc.metadata.name}`,
        });
      }
      for (const p of c.ports ?? []) {
        if (!exposed.has(p.containerPort))
          issues.push({
            file: rel,
            message: `does not EXPOSE ${p.containerPort} (port ${p.name} of Deployment/${d.doc.metadata.name})`,
          });
      }
    }
    const uid = spec.securityContext?.runAsUser;
    if (uid !== undefined && user?.args.split(':')[0] !== String(uid)) {
      issues.push({
        file: rel,
        line: user?.line,
        message: `the final stage must run as USER ${uid} (runAsUser of Deployment/${d.doc.metadata.name})`,
      });
    }
  }
  return [...new Map(issues.map((i) => [i.message.replace(/Deployment\/\S+/, ''), i])).values()];
}
