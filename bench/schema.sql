-- relorm benchmark schema and data (bench/run.py loads it with psql).
--
-- Sizes come in as psql variables (run.py sets them from SCALE):
--   l1..l4   links of posts 1..4            (10, 1k, 10k, 100k)
--   s1..s3   links of sync owners 11..13    (1k, 10k, 100k)
--   spare    tags no scaling owner links    (single-link adds pick from these)
--   small    posts 1000.. with 10 links each (single-link operations)
--   m1       items of account 1             (1M: the memory scenario)
--   q1..q4   items of accounts 2..5         (10, 1k, 10k, 100k: query_related)
--   pool     unowned items                  (associate / dissociate)
--   authors  authors; each has 10 books, each book 10 reviews
--
-- Tables follow the seeds: a many-to-many post.tags through post_tags (with
-- a pivot column), a has_many account.items, and the Orchid authors, books
-- and reviews for the query scenarios.

CREATE EXTENSION IF NOT EXISTS relorm;

CREATE TABLE tag  (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE post (id int PRIMARY KEY, title text NOT NULL);
CREATE TABLE post_tags (
    post_id int NOT NULL REFERENCES post ON DELETE CASCADE,
    tag_id  int NOT NULL REFERENCES tag  ON DELETE CASCADE,
    note    text,
    PRIMARY KEY (post_id, tag_id));
CREATE INDEX ON post_tags (tag_id);

CREATE TABLE account (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE item (id int PRIMARY KEY,
                   account_id int REFERENCES account,
                   name text NOT NULL, qty int NOT NULL);
CREATE INDEX ON item (account_id);

CREATE TABLE author (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE book (id int PRIMARY KEY,
                   author_id int NOT NULL REFERENCES author,
                   title text NOT NULL, year int NOT NULL);
CREATE INDEX ON book (author_id);
CREATE TABLE review (id int PRIMARY KEY,
                     book_id int NOT NULL REFERENCES book,
                     stars int NOT NULL, body text NOT NULL);
CREATE INDEX ON review (book_id);

-- tags: enough for the biggest owner plus the spare range, and for a sync
-- of the biggest size (which moves to tags s/2+1 .. s/2+s)
INSERT INTO tag SELECT g, 'tag ' || g
  FROM generate_series(1, greatest(:l4 + :spare, (:s3 * 3) / 2 + 1, 10 + :spare)) g;

-- posts: 1..4 link scaling, 11..13 sync owners, 100..199 attach owners
-- (no links), 1000.. small owners (tags 1..10)
INSERT INTO post SELECT g, 'post ' || g
  FROM generate_series(1, 199) g;
INSERT INTO post SELECT g, 'post ' || g
  FROM generate_series(1000, 999 + :small) g;

INSERT INTO post_tags (post_id, tag_id) SELECT 1, g FROM generate_series(1, :l1) g;
INSERT INTO post_tags (post_id, tag_id) SELECT 2, g FROM generate_series(1, :l2) g;
INSERT INTO post_tags (post_id, tag_id) SELECT 3, g FROM generate_series(1, :l3) g;
INSERT INTO post_tags (post_id, tag_id) SELECT 4, g FROM generate_series(1, :l4) g;
INSERT INTO post_tags (post_id, tag_id) SELECT 11, g FROM generate_series(1, :s1) g;
INSERT INTO post_tags (post_id, tag_id) SELECT 12, g FROM generate_series(1, :s2) g;
INSERT INTO post_tags (post_id, tag_id) SELECT 13, g FROM generate_series(1, :s3) g;
INSERT INTO post_tags (post_id, tag_id, note)
  SELECT p, t, 'note ' || t FROM generate_series(1000, 999 + :small) p, generate_series(1, 10) t;

-- accounts: 1 has m1 items, 2..5 have q1..q4, 10.. have none (associate
-- owners); the pool items belong to nobody
INSERT INTO account SELECT g, 'account ' || g FROM generate_series(1, 9 + :small) g;
INSERT INTO item SELECT g, 1, 'item ' || g, g % 100 FROM generate_series(1, :m1) g;
INSERT INTO item SELECT :m1 + g, 2, 'item ' || g, g % 100 FROM generate_series(1, :q1) g;
INSERT INTO item SELECT :m1 + :q1 + g, 3, 'item ' || g, g % 100 FROM generate_series(1, :q2) g;
INSERT INTO item SELECT :m1 + :q1 + :q2 + g, 4, 'item ' || g, g % 100 FROM generate_series(1, :q3) g;
INSERT INTO item SELECT :m1 + :q1 + :q2 + :q3 + g, 5, 'item ' || g, g % 100 FROM generate_series(1, :q4) g;
INSERT INTO item SELECT :m1 + :q1 + :q2 + :q3 + :q4 + g, NULL, 'item ' || g, g % 100
  FROM generate_series(1, :pool) g;

-- 10 books per author, 10 reviews per book; years 1950..2019
INSERT INTO author SELECT g, 'author ' || g FROM generate_series(1, :authors) g;
INSERT INTO book SELECT g, (g - 1) / 10 + 1, 'book ' || g, 1950 + g % 70
  FROM generate_series(1, :authors * 10) g;
INSERT INTO review SELECT g, (g - 1) / 10 + 1, 1 + g % 5, 'review ' || g
  FROM generate_series(1, :authors * 100) g;

-- relations
SELECT relorm_many_to_many('post', 'tags', 'tag', options => '{"inverse": "posts"}');
SELECT relorm_has_many('account', 'items', 'item', options => '{"inverse": "account"}');
SELECT relorm_belongs_to('book', 'author', 'author', options => '{"inverse": "books"}');
SELECT relorm_has_many('book', 'reviews', 'review', options => '{"inverse": "book"}');

-- The N+1 pattern of an ORM without eager loading, inside the server: one
-- query for the authors, one per author for its books, one per book for its
-- reviews, documents put together in the loop. No round trips, plans
-- cached: a lower bound of what the pattern costs from a client.
CREATE FUNCTION bench_nplus1(lim int, off int) RETURNS SETOF json
LANGUAGE plpgsql STABLE AS $$
DECLARE
    a record;
    b record;
    books json[];
    reviews json;
BEGIN
    FOR a IN SELECT id, name FROM author ORDER BY id LIMIT lim OFFSET off LOOP
        books := '{}';
        FOR b IN SELECT id, title, year FROM book WHERE author_id = a.id ORDER BY id LOOP
            SELECT coalesce(json_agg(r), '[]') INTO reviews
              FROM (SELECT id, stars, body FROM review WHERE book_id = b.id ORDER BY id) r;
            books := books || json_build_object('id', b.id, 'title', b.title, 'year', b.year,
                                                'reviews', reviews);
        END LOOP;
        RETURN NEXT json_build_object('id', a.id, 'name', a.name, 'books', array_to_json(books));
    END LOOP;
END
$$;

VACUUM ANALYZE;
