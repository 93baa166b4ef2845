import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { contractOn } from './helpers.js';

const SPEC = `openapi: 3.1.0
info: { title: Notes, version: 1.0.0 }
paths:
  /notes:
    post:
      operationId: createNote
      requestBody:
        required: true
        content: { application/json: { schema: { type: object, required: [text], properties: { text: { type: string, example: hi } } } } }
      responses:
        '201': { description: created, content: { application/json: { schema: { $ref: '#/components/schemas/Note' } } } }
    get:
      operationId: listNotes
      responses:
        '200':
          description: all notes
          content:
            application/json:
              schema:
                type: object
                required: [data, has_more]
                properties:
                  data: { type: array, items: { $ref: '#/components/schemas/Note' } }
                  has_more: { type: boolean }
components:
  schemas:
    Note: { type: object, required: [id, text], properties: { id: { type: string }, text: { type: string } } }
`;

/** A note store; `forgetful` lists only notes created before the run (the defect under test). */
function run(forgetful: boolean) {
  const notes: { id: string; text: string }[] = [{ id: 'n0', text: 'old' }];
  let next = 1;
  return contractOn(
    SPEC,
    (req) => {
      if (req.method === 'POST') {
        const note = { id: `n${next++}`, text: 'hi' };
        notes.push(note);
        return { status: 201, body: note };
      }
      return { status: 200, body: { data: forgetful ? notes.slice(0, 1) : notes, has_more: false } };
    },
    ['--max-cases', '1'],
  );
}

describe('gangway contract: listings', () => {
  test('a complete listing that holds what was created: no finding', async () => {
    const { code, findings } = await run(false);
    assert.equal(code, 0, JSON.stringify(findings));
  });

  test('a complete listing that leaves out what was created: stateful.created-not-listed', async () => {
    const { code, findings } = await run(true);
    assert.equal(code, 1);
    const missing = findings.find((f) => f.code === 'stateful.created-not-listed');
    assert.equal(missing?.operation, 'listNotes');
    assert.match(missing?.message ?? '', /n1/);
  });
});
