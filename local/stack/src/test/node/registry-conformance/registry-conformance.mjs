// Conformance of chainplan's embedded schema registry with an independent client:
// @kafkajs/confluent-schema-registry (Confluent's REST protocol and wire format, in JavaScript) and
// kafkajs against the in-process broker. Run by NodeRegistryClientIT:
//   node registry-conformance.mjs <registry url> <bootstrap servers> <topic>
// Prints one JSON line {"steps": [{"step": ..., "ms": ...}, ...]} on success; exits 1 with the
// failed step on stderr otherwise.
import assert from 'node:assert/strict';
import { SchemaRegistry, COMPATIBILITY } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel } from 'kafkajs';

const [url, bootstrap, topic] = process.argv.slice(2);
if (!url || !bootstrap || !topic) {
  console.error('usage: node registry-conformance.mjs <registry url> <bootstrap servers> <topic>');
  process.exit(2);
}
const subject = `${topic}-value`;
const steps = [];

async function step(name, fn) {
  const t0 = process.hrtime.bigint();
  try {
    const result = await fn();
    steps.push({ step: name, ms: Number((process.hrtime.bigint() - t0) / 1000000n) });
    return result;
  } catch (e) {
    console.error(`step "${name}" failed: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  }
}

async function rest(method, path, body) {
  const r = await fetch(url + path, {
    method,
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
}

// The doc makes the schemas this run's own (ids are global: the same text has the same id everywhere).
const v1 = {
  type: 'record', name: 'Reading', namespace: 'io.chainplan.conformance', doc: `written to ${topic}`,
  fields: [{ name: 'server', type: 'string' }, { name: 'memoryBytes', type: 'long' }],
};
// v2 adds a field with a default: readable both ways, so FULL compatible.
const v2 = { ...v1, fields: [...v1.fields, { name: 'gpu', type: 'string', default: 'unknown' }] };
// v3 adds a field without a default: v3 cannot read v1 data, so not compatible.
const v3 = { ...v1, fields: [...v1.fields, { name: 'rack', type: 'int' }] };
const asSchema = (s) => ({ type: 'AVRO', schema: JSON.stringify(s) });
// avsc decodes into instances of a generated class: compare their fields.
const plain = (record) => ({ ...record });

const registry = new SchemaRegistry({ host: url });
const kafka = new Kafka({ clientId: 'registry-conformance', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });

const { id: id1 } = await step('register v1 with compatibility FULL on a new subject', () =>
  registry.register(asSchema(v1), { subject, compatibility: COMPATIBILITY.FULL }));
await step('subject has its own level FULL', async () => {
  const r = await rest('GET', `/config/${encodeURIComponent(subject)}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.compatibilityLevel, 'FULL');
});

const first = { server: 'gpu-01', memoryBytes: 40000000000 };
const encoded1 = await step('encode with v1', () => registry.encode(id1, first));
assert.equal(encoded1[0], 0, 'magic byte');
assert.equal(encoded1.readInt32BE(1), id1, 'schema id');

const admin = kafka.admin();
await step('create topic', async () => {
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
});
const producer = kafka.producer();
await step('produce v1', async () => {
  await producer.connect();
  await producer.send({ topic, messages: [{ key: 'gpu-01', value: encoded1 }] });
});

const { id: id2 } = await step('register compatible v2 (same options)', () =>
  registry.register(asSchema(v2), { subject, compatibility: COMPATIBILITY.FULL }));
assert.notEqual(id2, id1);
assert.equal(await registry.getLatestSchemaId(subject), id2);
const second = { server: 'gpu-02', memoryBytes: 20000000000, gpu: 'A100-20GB' };
await step('produce v2', async () => {
  await producer.send({ topic, messages: [{ key: 'gpu-02', value: await registry.encode(id2, second) }] });
  await producer.disconnect();
});

const received = await step('consume both', () => new Promise((resolve, reject) => {
  const consumer = kafka.consumer({ groupId: `conformance-${Date.now()}` });
  const values = [];
  consumer.connect()
    .then(() => consumer.subscribe({ topic, fromBeginning: true }))
    .then(() => consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value);
        if (values.length === 2) {
          consumer.disconnect().then(() => resolve(values), reject);
        }
      },
    }))
    .catch(reject);
}));
await step('decode both with a fresh client', async () => {
  const fresh = new SchemaRegistry({ host: url });
  assert.deepEqual(plain(await fresh.decode(received[0])), first);
  assert.deepEqual(plain(await fresh.decode(received[1])), second);
});

await step('refuse an incompatible v3 with HTTP 409 and error code 40901', async () => {
  await assert.rejects(registry.register(asSchema(v3), { subject, compatibility: COMPATIBILITY.FULL }),
    (e) => e.status === 409);
  const r = await rest('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema: JSON.stringify(v3) });
  assert.equal(r.status, 409);
  assert.equal(r.body.error_code, 40901);
  const check = await rest('POST', `/compatibility/subjects/${encodeURIComponent(subject)}/versions?verbose=true`,
    { schema: JSON.stringify(v3) });
  assert.equal(check.body.is_compatible, false);
  assert.ok(check.body.messages.some((m) => m.includes('READER_FIELD_MISSING_DEFAULT_VALUE')), JSON.stringify(check.body));
});

await step('soft-delete version 1, then the subject; ids still decode', async () => {
  assert.equal((await rest('DELETE', `/subjects/${encodeURIComponent(subject)}/versions/1`)).body, 1);
  assert.deepEqual((await rest('GET', `/subjects/${encodeURIComponent(subject)}/versions`)).body, [2]);
  assert.deepEqual((await rest('DELETE', `/subjects/${encodeURIComponent(subject)}`)).body, [2]);
  assert.ok(!(await rest('GET', '/subjects')).body.includes(subject));
  assert.ok((await rest('GET', '/subjects?deleted=true')).body.includes(subject));
  assert.deepEqual(plain(await new SchemaRegistry({ host: url }).decode(received[0])), first);
});

await step('delete the subject permanently', async () => {
  assert.deepEqual((await rest('DELETE', `/subjects/${encodeURIComponent(subject)}?permanent=true`)).body, [1, 2]);
  const gone = await rest('GET', `/schemas/ids/${id2}`);
  assert.equal(gone.status, 404);
  assert.equal(gone.body.error_code, 40403);
  await assert.rejects(new SchemaRegistry({ host: url }).decode(received[1]));
});

console.log(JSON.stringify({ steps, ids: [id1, id2] }));
