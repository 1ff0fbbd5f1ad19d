// relorm from node-postgres (the "node" suite of `make test`): what README's
// "From an application" says, checked against a server.  node-postgres sends
// parameters untyped, so "any" arguments need a cast ($1::int, $1::int[],
// $1::jsonb with JSON.stringify); json results come back parsed, bigint as
// strings.  Connects with PGHOST/PGPORT/PGUSER (test/harness.sh sets them).
'use strict';

const assert = require('node:assert/strict');
const pg = require('pg');

// each check, named, in order; the first failure stops the run
const checks = [];
function check(name, fn) {
    checks.push({ name, fn });
}

check('setup', async (db) => {
    await db.query(`
        DROP SCHEMA IF EXISTS nodetest CASCADE;
        CREATE SCHEMA nodetest;
        SET search_path = nodetest, public;
        CREATE EXTENSION IF NOT EXISTS relorm SCHEMA public;
        CREATE TABLE post (id int PRIMARY KEY, title text NOT NULL, views bigint NOT NULL);
        CREATE TABLE tag (id int PRIMARY KEY, name text NOT NULL);
        CREATE TABLE post_tag (post_id int REFERENCES post, tag_id int REFERENCES tag,
                               weight int DEFAULT 1, PRIMARY KEY (post_id, tag_id));
        INSERT INTO post VALUES (1, 'one', 9007199254740993), (2, 'two', 5);
        INSERT INTO tag SELECT g, 'tag ' || g FROM generate_series(1, 30) g;
        SELECT relorm_many_to_many('post', 'tags', 'tag');
    `);
});

check('an untyped parameter for an "any" argument is 42P18', async (db) => {
    await assert.rejects(db.query("SELECT relorm_relation_ids('post', 'tags', $1)", [1]),
        (err) => err.code === '42P18');
});

check('$1::int, $1::int[] and $1::jsonb (JSON.stringify) pass keys', async (db) => {
    let r = await db.query("SELECT relorm_attach('post', 'tags', $1::int, $2::int[]) AS a", [1, [1, 2]]);
    assert.deepEqual(r.rows[0].a, { attached: [1, 2] });
    // a map of keys to pivot fields is jsonb: stringify it and cast
    r = await db.query("SELECT relorm_attach('post', 'tags', $1::int, $2::jsonb) AS a",
        [1, JSON.stringify({ 3: { weight: 9 }, 4: {} })]);
    assert.deepEqual(r.rows[0].a, { attached: [3, 4] });
    r = await db.query("SELECT relorm_relation_ids('post', 'tags', $1::jsonb) AS ids",
        [JSON.stringify({ id: 1 })]);
    assert.deepEqual(r.rows[0].ids, [1, 2, 3, 4]);
});

check('json results arrive parsed, pivot fields included', async (db) => {
    const r = await db.query(
        "SELECT relorm_query_related('post', 'tags', $1::int, $2::jsonb) AS tag",
        [1, JSON.stringify({ select: ['id'], pivot: ['weight'], order: ['-pivot.weight', 'id'] })]);
    assert.deepEqual(r.rows.map((row) => row.tag), [
        { id: 3, pivot: { weight: 9 } },
        { id: 1, pivot: { weight: 1 } },
        { id: 2, pivot: { weight: 1 } },
        { id: 4, pivot: { weight: 1 } },
    ]);
});

check('the typed form returns rows', async (db) => {
    const r = await db.query(
        "SELECT id, name FROM relorm_load_many(NULL::tag, 'post', 'tags', $1::int) ORDER BY id", [1]);
    assert.deepEqual(r.rows.map((row) => row.name), ['tag 1', 'tag 2', 'tag 3', 'tag 4']);
});

check('bigint results are strings; json numbers past 2^53 lose digits', async (db) => {
    let r = await db.query("SELECT relorm_count('post') AS n, relorm_count_related('post', 'tags', $1::int) AS m", [1]);
    assert.equal(r.rows[0].n, '2');
    assert.equal(r.rows[0].m, '4');
    r = await db.query("SELECT relorm_select('post', $1::jsonb) AS p",
        [JSON.stringify({ select: ['views'], where: { id: 1 } })]);
    assert.equal(r.rows[0].p.views, 9007199254740992);  // JSON.parse rounds it
    // the json as text keeps every digit: cast in SQL, or turn off parsing
    r = await db.query("SELECT relorm_select('post', $1::jsonb)::text AS p",
        [JSON.stringify({ select: ['views'], where: { id: 1 } })]);
    assert.equal(r.rows[0].p, '{"views":9007199254740993}');
});

check('keyset pages: cursor and after walk every row once', async (db) => {
    const seen = [];
    let after = null;
    for (;;) {
        const query = { select: ['id'], order: ['-id'], cursor: true, limit: 7 };
        if (after !== null) query.after = after;
        const r = await db.query("SELECT relorm_select('tag', $1::jsonb) AS t", [JSON.stringify(query)]);
        for (const row of r.rows) seen.push(row.t.id);
        if (r.rows.length < 7) break;
        after = r.rows[r.rows.length - 1].t.cursor;
    }
    assert.deepEqual(seen, Array.from({ length: 30 }, (_, i) => 30 - i));
});

check('a cursor of another query shape is 22023', async (db) => {
    const r = await db.query("SELECT relorm_select('tag', $1::jsonb) AS t",
        [JSON.stringify({ order: ['name'], cursor: true, limit: 1 })]);
    await assert.rejects(db.query("SELECT relorm_select('tag', $1::jsonb)",
        [JSON.stringify({ order: ['id'], after: r.rows[0].t.cursor })]),
        (err) => err.code === '22023');
});

check('errors carry their SQLSTATE', async (db) => {
    await assert.rejects(db.query("SELECT relorm_load_many('post', 'tags', $1::int)", [99]),
        (err) => err.code === 'P0002');
    await assert.rejects(db.query("SELECT relorm_select('post', $1::jsonb)",
        [JSON.stringify({ select: ['nope'] })]), (err) => err.code === '42703');
});

check('cleanup', async (db) => {
    await db.query('DROP SCHEMA nodetest CASCADE');
});

async function main() {
    const db = new pg.Client({ database: process.env.PGDATABASE || 'postgres' });
    await db.connect();
    let failed = 0;
    try {
        for (const { name, fn } of checks) {
            try {
                await fn(db);
                console.log(`ok - ${name}`);
            } catch (err) {
                failed++;
                console.log(`not ok - ${name}\n  ${String(err.stack || err).replace(/\n/g, '\n  ')}`);
                break;
            }
        }
    } finally {
        await db.end();
    }
    console.log(failed ? 'node-postgres: FAILED' : `node-postgres: all ${checks.length} checks passed`);
    process.exit(failed ? 1 : 0);
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
