import assert from 'node:assert/strict';
import { it } from 'node:test';
import { OTLP_TRACE_DESCRIPTOR } from '../../../src/sources/tap/otlp-trace-descriptor.js';
import { descriptorFromProtos } from './otlp-descriptor-source.js';

it('the committed OTLP descriptor is exactly what the vendored .proto files define', () => {
  assert.deepEqual(
    JSON.parse(JSON.stringify(OTLP_TRACE_DESCRIPTOR)),
    JSON.parse(JSON.stringify(descriptorFromProtos())),
  );
});
