import { factories, ContentRow } from '../support/factories';
import { ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';
import { expectBadInput, expectedSeries, roundFloats } from './expect-helpers';

const { db, server } = useTestServer('an_series');
const rows: ContentRow[] = [];
let videoPlan: number;
let shortPlan: number;

const Q = `query ($bucket: TimeBucket!, $from: DateTime!, $to: DateTime!, $tz: String, $platform: Platform, $format: ContentFormat) {
  engagementTimeSeries(bucket: $bucket, from: $from, to: $to, timeZone: $tz, platform: $platform, format: $format) {
    bucketStart contentCount impressions avgEngagementRate
  }
}`;

async function series(vars: { bucket: string; from: string; to: string; tz?: string; platform?: string; format?: string }) {
  return server.gql(Q, vars);
}

/** Rows of the series, floats rounded; with the expectation for the same bucket starts. */
async function check(vars: Parameters<typeof series>[0], starts: string[], only: (r: ContentRow) => boolean = () => true) {
  const res = await series(vars);
  const got = ok(res).engagementTimeSeries;
  const want = expectedSeries(rows.filter(only), starts, new Date(vars.from), new Date(vars.to));
  expect(roundFloats(got)).toEqual(roundFloats(want));
  return res;
}

// Every row is written before the first read, so the server's result cache never holds an old answer.
beforeAll(async () => {
  const f = factories(db.pool);
  videoPlan = (await f.plan({ format: 'video', platform: 'youtube' })).id;
  shortPlan = (await f.plan({ format: 'short_video', platform: 'tiktok' })).id;
  const add = async (iso: string, o: Partial<ContentRow> = {}) =>
    rows.push(await f.content({ contentPlanId: videoPlan, publishedAt: new Date(iso), views: 100, engagementRate: 0.1, ...o }));
  // Europe/Berlin, autumn 2026: CEST (+2) until 2026-10-25T01:00Z, then CET (+1).
  await add('2026-10-23T21:59:59.999Z', { views: 1 }); // Fri 23:59 local: before the range below
  await add('2026-10-23T22:00:00.000Z', { views: 2, engagementRate: 0.2 }); // Sat 10-24 00:00 local
  await add('2026-10-24T21:59:00.000Z', { views: 3, engagementRate: null }); // Sat 23:59 local
  await add('2026-10-24T22:00:00.000Z', { views: null, engagementRate: 0.4 }); // Sun 10-25 00:00 local
  await add('2026-10-25T00:30:00.000Z', { views: 5, contentPlanId: shortPlan, platform: 'tiktok' }); // 02:30 CEST
  await add('2026-10-25T01:30:00.000Z', { views: 6, engagementRate: 0.3 }); // 02:30 CET (the repeated hour)
  await add('2026-10-25T22:59:00.000Z', { views: 7, contentPlanId: shortPlan, platform: 'tiktok', engagementRate: 0.5 }); // Sun 23:59 CET
  await add('2026-10-25T23:00:00.000Z', { views: 8 }); // Mon 10-26 00:00 CET
  await add('2026-10-28T12:00:00.000Z', { views: 9, engagementRate: 0.6 }); // Wed 10-28
  // America/New_York, spring 2026: EST (-5) until 2026-03-08T07:00Z, then EDT (-4).
  await add('2026-03-08T04:59:00.000Z', { views: 10 }); // Sat 03-07 23:59 EST
  await add('2026-03-08T05:00:00.000Z', { views: 11, engagementRate: 0.7 }); // Sun 03-08 00:00 EST
  await add('2026-03-08T06:59:00.000Z', { views: 12 }); // 01:59 EST
  await add('2026-03-08T07:00:00.000Z', { views: 13, contentPlanId: shortPlan, platform: 'tiktok' }); // 03:00 EDT
  await add('2026-03-09T03:59:00.000Z', { views: 14 }); // Sun 23:59 EDT
  await add('2026-03-09T04:00:00.000Z', { views: 15, engagementRate: 0.9 }); // Mon 03-09 00:00 EDT
  // Pacific/Auckland (NZDT, +13): local Monday 2026-11-02 starts on Sunday 2026-11-01T11:00Z.
  await add('2026-11-01T10:59:00.000Z', { views: 16 });
  await add('2026-11-01T11:00:00.000Z', { views: 17 });
});

describe('daylight-saving changes', () => {
  test('Europe/Berlin DAY: 2026-10-25 has 25 hours; bucket starts are the local midnights', async () => {
    await check({ bucket: 'DAY', from: '2026-10-23T22:00:00Z', to: '2026-10-26T23:00:00Z', tz: 'Europe/Berlin' }, [
      '2026-10-23T22:00:00.000Z',
      '2026-10-24T22:00:00.000Z', // the 25-hour day
      '2026-10-25T23:00:00.000Z',
    ]);
  });

  test('Europe/Berlin HOUR: the repeated 02:00 local hour is two buckets, one real hour each', async () => {
    await check({ bucket: 'HOUR', from: '2026-10-24T22:00:00Z', to: '2026-10-25T03:00:00Z', tz: 'Europe/Berlin' }, [
      '2026-10-24T22:00:00.000Z',
      '2026-10-24T23:00:00.000Z',
      '2026-10-25T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T01:00:00.000Z', // 02:00 CET
      '2026-10-25T02:00:00.000Z',
    ]);
  });

  test('America/New_York DAY: 2026-03-08 has 23 hours; bucket starts are the local midnights', async () => {
    await check({ bucket: 'DAY', from: '2026-03-07T05:00:00Z', to: '2026-03-10T04:00:00Z', tz: 'America/New_York' }, [
      '2026-03-07T05:00:00.000Z',
      '2026-03-08T05:00:00.000Z', // the 23-hour day
      '2026-03-09T04:00:00.000Z',
    ]);
  });

  test('America/New_York HOUR: the skipped 02:00 local hour does not exist', async () => {
    await check({ bucket: 'HOUR', from: '2026-03-08T05:00:00Z', to: '2026-03-08T09:00:00Z', tz: 'America/New_York' }, [
      '2026-03-08T05:00:00.000Z', // 00:00 EST
      '2026-03-08T06:00:00.000Z', // 01:00 EST
      '2026-03-08T07:00:00.000Z', // 03:00 EDT
      '2026-03-08T08:00:00.000Z',
    ]);
  });

  test('UTC (the default) buckets by UTC days', async () => {
    const res = await check({ bucket: 'DAY', from: '2026-10-24T00:00:00Z', to: '2026-10-26T00:00:00Z' }, [
      '2026-10-24T00:00:00.000Z',
      '2026-10-25T00:00:00.000Z',
    ]);
    expect(res.extensions?.queryStats.sqlQueries).toBeLessThanOrEqual(2); // one statement (+ the zone list once)
  });
});

describe('WEEK starts on Monday in the zone; MONTH', () => {
  test('Europe/Berlin weeks across the autumn change', async () => {
    await check({ bucket: 'WEEK', from: '2026-10-21T10:00:00Z', to: '2026-11-01T00:00:00Z', tz: 'Europe/Berlin' }, [
      '2026-10-18T22:00:00.000Z', // Monday 10-19, 00:00 CEST
      '2026-10-25T23:00:00.000Z', // Monday 10-26, 00:00 CET
    ]);
  });

  test('Pacific/Auckland: the local Monday begins on a UTC Sunday', async () => {
    await check({ bucket: 'WEEK', from: '2026-10-30T00:00:00Z', to: '2026-11-03T00:00:00Z', tz: 'Pacific/Auckland' }, [
      '2026-10-25T11:00:00.000Z', // Monday 10-26, 00:00 NZDT
      '2026-11-01T11:00:00.000Z', // Monday 11-02, 00:00 NZDT
    ]);
  });

  test('Europe/Berlin months: the 1st at local midnight', async () => {
    await check({ bucket: 'MONTH', from: '2026-10-01T00:00:00Z', to: '2026-11-15T00:00:00Z', tz: 'Europe/Berlin' }, [
      '2026-09-30T22:00:00.000Z',
      '2026-10-31T23:00:00.000Z',
    ]);
  });
});

describe('ranges and empty buckets', () => {
  test('empty buckets: contentCount 0, impressions 0, avgEngagementRate null', async () => {
    const res = await check({ bucket: 'DAY', from: '2026-10-26T00:00:00Z', to: '2026-10-30T00:00:00Z' }, [
      '2026-10-26T00:00:00.000Z',
      '2026-10-27T00:00:00.000Z',
      '2026-10-28T00:00:00.000Z',
      '2026-10-29T00:00:00.000Z',
    ]);
    expect(ok(res).engagementTimeSeries[0]).toEqual({
      bucketStart: '2026-10-26T00:00:00.000Z',
      contentCount: 0,
      impressions: 0,
      avgEngagementRate: null,
    });
  });

  test('from inside a bucket: that whole bucket is listed but only rows from `from` on count; `to` is exclusive', async () => {
    // from = Sat 10-24 00:00:00.001 local: the row at exactly 00:00 local is out; to = the Mon 10-26 00:00 row, out.
    await check({ bucket: 'DAY', from: '2026-10-23T22:00:00.001Z', to: '2026-10-25T23:00:00Z', tz: 'Europe/Berlin' }, [
      '2026-10-23T22:00:00.000Z',
      '2026-10-24T22:00:00.000Z',
    ]);
  });

  test('a range shorter than one bucket gives that one bucket', async () => {
    await check({ bucket: 'MONTH', from: '2026-03-08T06:00:00Z', to: '2026-03-08T06:00:00.001Z', tz: 'America/New_York' }, [
      '2026-03-01T05:00:00.000Z',
    ]);
  });

  test('platform and format filters', async () => {
    const vars = { bucket: 'DAY', from: '2026-10-23T22:00:00Z', to: '2026-10-26T23:00:00Z', tz: 'Europe/Berlin' };
    const starts = ['2026-10-23T22:00:00.000Z', '2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z'];
    await check({ ...vars, platform: 'TIKTOK' }, starts, (r) => r.platform === 'tiktok');
    await check({ ...vars, format: 'SHORT_VIDEO' }, starts, (r) => r.contentPlanId === shortPlan);
    await check(
      { ...vars, format: 'VIDEO', platform: 'YOUTUBE' },
      starts,
      (r) => r.contentPlanId === videoPlan && r.platform === 'youtube',
    );
    await check({ ...vars, format: 'VIDEO', platform: 'TIKTOK' }, starts, () => false);
  });

  test('exactly 1000 buckets are allowed', async () => {
    const from = new Date('2025-01-01T00:00:00Z');
    const to = new Date(from.getTime() + 1000 * 86_400_000);
    const got = ok(await series({ bucket: 'DAY', from: from.toISOString(), to: to.toISOString() })).engagementTimeSeries;
    expect(got).toHaveLength(1000);
    expect(got[999].bucketStart).toBe(new Date(to.getTime() - 86_400_000).toISOString());
    const hours = ok(
      await series({
        bucket: 'HOUR',
        from: '2026-01-01T00:00:00Z',
        to: new Date(Date.parse('2026-01-01T00:00:00Z') + 1000 * 3_600_000).toISOString(),
      }),
    );
    expect(hours.engagementTimeSeries).toHaveLength(1000);
  });
});

describe('validation: BAD_USER_INPUT naming the argument', () => {
  test('unknown time zone; PostgreSQL names that are not Area/Location zones are refused too', async () => {
    for (const tz of ['Mars/Olympus_Mons', 'europe/berlin ', '', 'EST', 'EST5EDT', 'posixrules', 'localtime', 'Factory', 'CEST']) {
      expectBadInput(
        await series({ bucket: 'DAY', from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', tz }),
        'timeZone',
        /^must be an IANA time zone name such as "Europe\/Berlin" or "UTC", got ".*"$/,
      );
    }
  });

  test('from >= to', async () => {
    expectBadInput(
      await series({ bucket: 'DAY', from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }),
      'to',
      /^must be after from \(from 2026-01-02T00:00:00.000Z, got 2026-01-01T00:00:00.000Z\)$/,
    );
    expectBadInput(
      await series({ bucket: 'DAY', from: '2026-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }),
      'to',
      /^must be after from \(from 2026-01-01T00:00:00.000Z, got 2026-01-01T00:00:00.000Z\)$/,
    );
  });

  test('more than 1000 buckets', async () => {
    const from = Date.parse('2025-01-01T00:00:00Z');
    const res = await series({
      bucket: 'DAY',
      from: new Date(from).toISOString(),
      to: new Date(from + 1000 * 86_400_000 + 1).toISOString(),
    });
    expectBadInput(res, 'to', /^from\.\.to spans 1001 DAY buckets in UTC; at most 1000 are allowed$/);
    expectBadInput(
      await series({ bucket: 'HOUR', from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z', tz: 'Asia/Kolkata' }),
      'to',
      /^from\.\.to spans \d+ HOUR buckets in Asia\/Kolkata; at most 1000 are allowed$/,
    );
    expectBadInput(
      await series({ bucket: 'WEEK', from: '2000-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }),
      'to',
      /^from\.\.to spans \d+ WEEK buckets in UTC; at most 1000 are allowed$/,
    );
    expectBadInput(
      await series({ bucket: 'MONTH', from: '1900-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }),
      'to',
      /^from\.\.to spans \d+ MONTH buckets in UTC; at most 1000 are allowed$/,
    );
  });
});
