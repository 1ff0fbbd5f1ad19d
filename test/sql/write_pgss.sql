-- Writes are set-based (SPEC §6): the statements a call runs depend on the
-- shape of data, not on how many rows it holds.  Counted with
-- pg_stat_statements (track = all counts the statements relorm runs):
-- creating 1 author with 10 books runs exactly the statements creating
-- 1,000 authors with 10 books each runs; the same for many_to_many
-- creates and connects, and for relorm_update's set.
CREATE SCHEMA wp;
SET search_path = wp, public;
CREATE TABLE author (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE book (id serial PRIMARY KEY, title text NOT NULL,
                   author_id int REFERENCES author);
CREATE TABLE post (id serial PRIMARY KEY, title text);
CREATE TABLE tag (id serial PRIMARY KEY, name text UNIQUE);
CREATE TABLE post_tag (post_id int REFERENCES post, tag_id int REFERENCES tag,
                       PRIMARY KEY (post_id, tag_id));
SELECT relorm_belongs_to('book', 'author', 'author', options => '{"inverse": "books"}');
SELECT relorm_many_to_many('post', 'tags', 'tag');
INSERT INTO tag (name) SELECT 'tag' || i FROM generate_series(1, 100) i;

-- statements: the statements relorm ran since the last reset: those not
-- at top level (the data of each call is computed before the reset, so
-- only relorm's statements are nested), except PostgreSQL's own
-- foreign-key checks (SELECT ... FOR KEY SHARE OF x), which it runs per
-- inserted row for any INSERT, hand-written or not.
CREATE FUNCTION statements(OUT distinct_statements bigint, OUT calls bigint)
LANGUAGE sql AS $$
  SELECT count(*), coalesce(sum(calls), 0) FROM pg_stat_statements
   WHERE NOT toplevel AND query NOT LIKE '%FOR KEY SHARE OF x%' $$;
CREATE FUNCTION authors_with_books(n int) RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_agg(jsonb_build_object('name', 'author ' || a, 'books',
           jsonb_build_object('create', (SELECT jsonb_agg(jsonb_build_object('title', 'book ' || b))
                                           FROM generate_series(1, 10) b))))
    FROM generate_series(1, n) a $$;

-- 1 author x 10 books
CREATE TABLE data (n int PRIMARY KEY, d jsonb);
INSERT INTO data SELECT n, authors_with_books(n) FROM unnest(ARRAY[1, 1000]) n;
SELECT pg_stat_statements_reset() IS NOT NULL AS reset;
SELECT json_array_length(relorm_create('author', (SELECT d FROM data WHERE n = 1))) AS created;
SELECT * INTO one FROM statements();
-- which they are: keys, rows, keys, rows, the result
SELECT calls, regexp_replace(query, '\$\d+', '$n', 'g') AS query FROM pg_stat_statements
 WHERE NOT toplevel AND query NOT LIKE '%FOR KEY SHARE OF x%'
   AND query NOT LIKE '%pg_stat_statements%' ORDER BY query;
-- 1,000 authors x 10 books, one call
SELECT pg_stat_statements_reset() IS NOT NULL AS reset;
SELECT json_array_length(relorm_create('author', (SELECT d FROM data WHERE n = 1000))) AS created;
SELECT * INTO thousand FROM statements();
SELECT one.*, thousand.*, one = thousand AS same_statements FROM one, thousand;
SELECT count(*) AS books, count(DISTINCT author_id) AS authors FROM book;
-- every book is linked to the author created with it (keys matched by
-- position, never by RETURNING order)
SELECT count(*) AS mismatched FROM book b JOIN author a ON a.id = b.author_id
 WHERE b.id NOT BETWEEN (a.id - 1) * 10 + 1 AND a.id * 10;

-- posts with new tags and connected tags: 1 post vs 100 posts
CREATE FUNCTION posts_with_tags(n int) RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_agg(jsonb_build_object('title', 'post ' || p, 'tags',
           jsonb_build_object('create', jsonb_build_array(jsonb_build_object('name', 'new ' || p)),
                              'connect', jsonb_build_array(jsonb_build_object('name', 'tag' || (p % 100 + 1))))))
    FROM generate_series(1, n) p $$;
INSERT INTO data SELECT -n, posts_with_tags(n) FROM unnest(ARRAY[1, 100]) n;
SELECT pg_stat_statements_reset() IS NOT NULL AS reset;
SELECT json_array_length(relorm_create('post', (SELECT d FROM data WHERE n = -1))) AS created;
SELECT * INTO one_post FROM statements();
DELETE FROM post_tag; DELETE FROM post; DELETE FROM tag WHERE name LIKE 'new %';
SELECT pg_stat_statements_reset() IS NOT NULL AS reset;
SELECT json_array_length(relorm_create('post', (SELECT d FROM data WHERE n = -100))) AS created;
SELECT * INTO hundred_posts FROM statements();
SELECT one_post.*, hundred_posts.*, one_post = hundred_posts AS same_statements
  FROM one_post, hundred_posts;
SELECT count(*) AS links FROM post_tag;

-- relorm_update's set of 1 vs 100 tags: the same statements
SELECT pg_stat_statements_reset() IS NOT NULL AS reset;
SELECT relorm_update('post', '{"title": "post 1"}', '{"tags": {"set": {"name": "tag1"}}}');
SELECT * INTO set_one FROM statements();
SELECT pg_stat_statements_reset() IS NOT NULL AS reset;
SELECT relorm_update('post', '{"title": "post 1"}', '{"tags": {"set": {"name": {"starts_with": "tag"}}}}');
SELECT * INTO set_hundred FROM statements();
SELECT set_one.*, set_hundred.*, set_one = set_hundred AS same_statements FROM set_one, set_hundred;
SELECT count(*) AS linked FROM post_tag pt JOIN post p ON p.id = pt.post_id WHERE p.title = 'post 1';

RESET search_path;
DROP SCHEMA wp CASCADE;
