import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from '../../core/errors.js';
import { render, renderText } from './template.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('render', () => {
  const scope = { amount: 12, id: 'p_1', flag: false, nothing: null, obj: { a: [1] }, 'env.region': 'eu' };
  const rows: { name: string; value: unknown; expected: unknown }[] = [
    { name: 'whole template keeps a number', value: '{{ amount }}', expected: 12 },
    { name: 'whole template keeps false', value: '{{flag}}', expected: false },
    { name: 'whole template keeps null', value: '{{ nothing }}', expected: null },
    { name: 'whole template keeps an object', value: '{{ obj }}', expected: { a: [1] } },
    { name: 'dotted names are looked up as is', value: '{{ env.region }}', expected: 'eu' },
    { name: 'interpolation turns numbers into text', value: 'amount={{ amount }}', expected: 'amount=12' },
    { name: 'interpolation keeps strings unquoted', value: '/payments/{{ id }}', expected: '/payments/p_1' },
    { name: 'interpolation writes objects as JSON', value: 'x{{ obj }}', expected: 'x{"a":[1]}' },
    { name: 'two templates in one string', value: '{{ id }}-{{ amount }}', expected: 'p_1-12' },
    {
      name: 'text without templates is unchanged',
      value: 'plain {not a template}',
      expected: 'plain {not a template}',
    },
    {
      name: 'objects and arrays are rendered deeply, keys untouched',
      value: { '{{ id }}': ['{{ amount }}', { n: '{{ flag }}' }], k: 5 },
      expected: { '{{ id }}': [12, { n: false }], k: 5 },
    },
    { name: 'non-string scalars pass through', value: 7, expected: 7 },
    { name: 'null passes through', value: null, expected: null },
  ];
  for (const row of rows) {
    test(row.name, () => assert.deepEqual(render(row.value, scope), row.expected));
  }

  test('an unknown name is an InputError that lists the known names, built-ins included', () => {
    assert.throws(
      () => render('/payments/{{ paymentId }}', { id: 1, amount: 2 }),
      (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.equal(error.code, 'template.unknown');
        assert.match(error.message, /\{\{ paymentId \}\} is not defined here/);
        assert.match(error.message, /known names: amount, epoch, epochMs, id, timestamp, uuid/);
        return true;
      },
    );
  });

  test('an unknown name deep inside a body is reported too', () => {
    assert.throws(() => render({ a: [{ b: '{{ missing }}' }] }, {}), /missing/);
  });

  test('uuid is fresh at every use, even twice in one string', () => {
    const a = render('{{ uuid }}', {});
    const b = render('{{ uuid }}', {});
    assert.match(String(a), UUID);
    assert.match(String(b), UUID);
    assert.notEqual(a, b);
    const [x, y] = String(render('{{uuid}}|{{uuid}}', {})).split('|');
    assert.notEqual(x, y);
  });

  test('timestamp, epoch and epochMs are current', () => {
    const before = Date.now();
    const ts = Date.parse(String(render('{{ timestamp }}', {})));
    const epoch = render('{{ epoch }}', {});
    const epochMs = render('{{ epochMs }}', {});
    assert.ok(ts >= before - 1000 && ts <= Date.now());
    assert.equal(typeof epoch, 'number');
    assert.ok(Math.abs((epoch as number) - before / 1000) < 5);
    assert.ok((epochMs as number) >= before);
  });

  test('a captured value shadows a built-in of the same name', () => {
    assert.equal(render('{{ uuid }}', { uuid: 'captured' }), 'captured');
  });

  test('rendering does not modify the input', () => {
    const body = { a: '{{ id }}' };
    render(body, { id: 1 });
    assert.deepEqual(body, { a: '{{ id }}' });
  });
});

describe('renderText', () => {
  const rows: [unknown, Record<string, unknown>, string][] = [
    ['{{ n }}', { n: 12 }, '12'],
    ['{{ b }}', { b: true }, 'true'],
    ['{{ o }}', { o: { a: 1 } }, '{"a":1}'],
    ['Bearer {{ t }}', { t: 'abc' }, 'Bearer abc'],
    [5, {}, '5'],
  ];
  for (const [value, scope, expected] of rows) {
    test(`${JSON.stringify(value)} → ${expected}`, () => assert.equal(renderText(value, scope), expected));
  }
});
