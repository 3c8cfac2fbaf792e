/**
 * src/graphql/scalars.ts: the DateTime scalar's own reading of plain UTC texts and utcText, its
 * own writing of a Date, give what graphql-scalars and Date.prototype.toISOString give. No server.
 */
import { DateTimeResolver } from 'graphql-scalars';
import { DateTimeScalar, utcText } from '../src/graphql/scalars';

const MIN = Date.parse('0001-01-01T00:00:00.000Z');
const MAX = Date.parse('9999-12-31T23:59:59.999Z');

/** A reproducible spread of instants over DateTime's whole range (xorshift). */
function instants(count: number): number[] {
  let s = 0x2545f491;
  const rnd = () => ((s ^= s << 13), (s ^= s >>> 17), (s ^= s << 5), (s >>> 0) / 2 ** 32);
  const edges = [
    MIN,
    MAX,
    0,
    -1,
    Date.parse('2000-02-29T23:59:59.999Z'),
    Date.parse('1900-03-01T00:00:00.000Z'),
    Date.parse('0099-12-31T23:59:59.999Z'),
  ];
  return [...edges, ...Array.from({ length: count }, () => Math.floor(MIN + rnd() * rnd() * (MAX - MIN)))];
}

const parsed = (parse: (v: unknown) => unknown, text: string): number | string => {
  try {
    return (parse(text) as Date).getTime();
  } catch (err) {
    return `refused: ${(err as Error).message}`;
  }
};

test('utcText writes every instant of the range as toISOString does', () => {
  const wrong = instants(200_000).filter((t) => utcText(new Date(t)) !== new Date(t).toISOString());
  expect(wrong.map((t) => new Date(t).toISOString())).toEqual([]);
  // Outside the range: toISOString itself.
  for (const t of [MIN - 1, MAX + 1, 8.64e15]) expect(utcText(new Date(t))).toBe(new Date(t).toISOString());
});

test('plain UTC texts read as graphql-scalars reads them, with and without milliseconds', () => {
  const texts = instants(20_000).flatMap((t) => [new Date(t).toISOString(), `${new Date(t).toISOString().slice(0, 19)}Z`]);
  const differ = texts.filter(
    (text) => parsed((v) => DateTimeScalar.parseValue(v), text) !== parsed((v) => DateTimeResolver.parseValue(v), text),
  );
  expect(differ).toEqual([]);
});

test('texts that name no instant, or not in the plain form, are refused or read as graphql-scalars does', () => {
  const texts = [
    '2026-02-29T00:00:00Z',
    '2024-02-29T00:00:00Z',
    '1900-02-29T00:00:00.000Z',
    '2000-02-29T10:00:00.123Z',
    '2026-04-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-00-01T00:00:00Z',
    '2026-01-00T00:00:00Z',
    '2026-01-31T24:00:00Z',
    '2026-01-31T23:60:00Z',
    '2026-01-31T23:59:60Z',
    '2026-04-30T00:00:00.5Z',
    '2026-04-30T00:00:00,500Z',
    '2026-04-30 00:00:00Z',
    '2026-04-30T00:00:00z',
    '２026-04-30T00:00:00Z',
    '2026-04-30T00:00:00.000+00:00',
    '2026-04-30T01:00:00+01:00',
  ];
  for (const text of texts) {
    const ours = parsed((v) => DateTimeScalar.parseValue(v), text);
    const theirs = parsed((v) => DateTimeResolver.parseValue(v), text);
    expect([text, typeof ours === 'number' ? ours : 'refused']).toEqual([text, typeof theirs === 'number' ? theirs : 'refused']);
  }
  // Year 0 reads, as graphql-scalars reads it, and is then refused as unstorable.
  expect(parsed((v) => DateTimeScalar.parseValue(v), '0000-01-01T00:00:00Z')).toMatch(/must lie between 0001-01-01/);
});
