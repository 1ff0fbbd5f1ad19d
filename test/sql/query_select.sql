-- Querying across relations (SPEC §5): every read example of seed 003
-- (Orchid ORM "Relation queries") as relorm calls: queryRelated, chain in
-- and out of select, whereExists, join, nested select with aggregates, the
-- inner-joined relation, and selecting the same table at several depths.
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA qsel;
SET search_path = qsel, public;

-- Authors, books, reviews, awards.
CREATE TABLE author (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE book (id int PRIMARY KEY, title text NOT NULL,
                   author_id int REFERENCES author, year_published int);
CREATE TABLE review (id int PRIMARY KEY, book_id int NOT NULL REFERENCES book,
                     stars int, body text);
CREATE TABLE award (id int PRIMARY KEY, author_id int NOT NULL REFERENCES author,
                    name text NOT NULL, year int);

INSERT INTO author VALUES (1, 'Uladzimir Karatkievich'), (2, 'Ayzek Asimov'),
                          (3, 'Jack London'), (4, 'Nobody Yet');
INSERT INTO book VALUES
    (1, 'King Stakh''s Wild Hunt', 1, 1964),
    (2, 'Ears of Rye Under Your Sickle', 1, 1965),
    (3, 'I, Robot', 2, 1950),
    (4, 'Foundation', 2, 1951),
    (5, 'The Gods Themselves', 2, 1972),
    (6, 'The Call of the Wild', 3, 1903),
    (7, 'White Fang', 3, 1906),
    (8, 'Martin Eden', 3, 1909),
    (9, 'Collected Letters', 1, 2012),
    (10, 'Lost Stories', 3, 2005),
    (11, 'Anonymous Pamphlet', NULL, 1999);
INSERT INTO review VALUES
    (1, 1, 5, 'A classic'), (2, 1, 4, 'Dark and beautiful'),
    (3, 3, 5, 'Three laws'), (4, 3, 2, 'Dated'),
    (5, 6, 3, 'Good dog'), (6, 7, 4, 'Better dog'), (7, 10, 1, 'Thin');
INSERT INTO award VALUES
    (1, 2, 'Hugo Award', 1966), (2, 2, 'Nebula Award', 1972), (3, 2, 'Hugo Award', 1973),
    (4, 1, 'Literary Medal', 1979), (5, 1, 'State Prize', 1982);

SELECT relorm_belongs_to('book', 'author', 'author', options => '{"inverse": "books"}');
SELECT relorm_has_many('book', 'reviews', 'review', options => '{"inverse": "book"}');
SELECT relorm_has_many('author', 'awards', 'award', options => '{"inverse": "author"}');

-- Posts and tags, many-to-many both ways (tags in name order by default).
CREATE TABLE post (id int PRIMARY KEY, title text NOT NULL);
CREATE TABLE tag (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE post_tags (post_id int REFERENCES post, tag_id int REFERENCES tag,
                        PRIMARY KEY (post_id, tag_id));
INSERT INTO post VALUES (1, 'Node.js tips'), (2, 'Joins in SQL'),
                        (3, 'Untagged thoughts'), (4, 'Specific things');
INSERT INTO tag VALUES (1, 'javascript'), (2, 'programming'), (3, 'specific'), (4, 'sql');
INSERT INTO post_tags VALUES (1, 1), (1, 2), (2, 1), (2, 2), (2, 4), (4, 3);
SELECT relorm_many_to_many('post', 'tags', 'tag',
                           options => '{"inverse": "posts", "order": ["name"]}');

-- Orders of pizzas made of ingredients; customers with a delivery address.
CREATE TABLE customer (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE delivery_address (id int PRIMARY KEY,
                               customer_id int NOT NULL UNIQUE REFERENCES customer,
                               street text NOT NULL);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customer);
CREATE TABLE pizza (id int PRIMARY KEY, name text NOT NULL,
                    has_pineapples boolean NOT NULL, price numeric(6,2) NOT NULL);
CREATE TABLE ingredient (id int PRIMARY KEY, name text NOT NULL, in_stock boolean NOT NULL);
CREATE TABLE order_pizzas (order_id int REFERENCES orders, pizza_id int REFERENCES pizza,
                           PRIMARY KEY (order_id, pizza_id));
CREATE TABLE pizza_ingredients (pizza_id int REFERENCES pizza,
                                ingredient_id int REFERENCES ingredient,
                                PRIMARY KEY (pizza_id, ingredient_id));
INSERT INTO customer VALUES (1, 'Ann'), (2, 'Bob'), (3, 'Cid');
INSERT INTO delivery_address VALUES (1, 1, '1 Elm Street'), (2, 2, '2 Oak Avenue');
INSERT INTO orders VALUES (1, 1), (2, 2), (3, 1), (4, 3), (5, NULL);
INSERT INTO pizza VALUES (1, 'Margherita', false, 90), (2, 'Hawaiian', true, 110),
                         (3, 'Marinara', false, 70), (4, 'Quattro Formaggi', false, 130);
INSERT INTO ingredient VALUES (1, 'tomato', true), (2, 'mozzarella', true),
    (3, 'pineapple', true), (4, 'ham', false), (5, 'garlic', true),
    (6, 'gorgonzola', false), (7, 'oregano', true);
-- tomato and mozzarella are on both pizzas of order 1
INSERT INTO pizza_ingredients VALUES (1, 1), (1, 2), (1, 7), (2, 1), (2, 2), (2, 3), (2, 4),
                                     (3, 1), (3, 5), (3, 7), (4, 2), (4, 6);
INSERT INTO order_pizzas VALUES (1, 1), (1, 2), (2, 3), (3, 1), (3, 3), (3, 4), (4, 2);
SELECT relorm_belongs_to('orders', 'customer', 'customer', options => '{"inverse": "orders"}');
SELECT relorm_has_one('customer', 'delivery_address', 'delivery_address',
                      options => '{"inverse": "customer"}');
SELECT relorm_many_to_many('orders', 'pizzas', 'pizza', junction => 'order_pizzas',
                           options => '{"inverse": "orders"}');
SELECT relorm_many_to_many('pizza', 'ingredients', 'ingredient', options => '{"inverse": "pizzas"}');

------------------------------------------------------------------------------
-- queryRelated
------------------------------------------------------------------------------

-- book.queryRelated('author', book): by the book's key ...
SELECT relorm_query_related('book', 'author', 1);
-- ... or by the whole book row
SELECT relorm_query_related('book', 'author', b) FROM book b WHERE b.id = 3;
-- a book without an author has no related row (undefined): no row, no error
SELECT count(*) FROM relorm_query_related('book', 'author', 11);
-- author.queryRelated('books', author)
SELECT relorm_query_related('author', 'books', 1, '{"order": ["id"]}');
-- an author without books: no rows, no error
SELECT count(*) FROM relorm_query_related('author', 'books', 4);
-- .count()
SELECT relorm_count_related('author', 'books', 2);
SELECT relorm_count_related('author', 'books', 4);
-- .count() of a filtered query
SELECT relorm_count_related('author', 'books', 2, '{"year_published": {"gt": 1950}}');
-- .exists()
SELECT relorm_exists_related('author', 'books', 2) AS asimov,
       relorm_exists_related('author', 'books', 4) AS nobody;
SELECT relorm_exists_related('author', 'books', 2, '{"title": "Dune"}');
-- count for every row of a table, owner given as the row
SELECT p.id, relorm_count_related('post', 'tags', p) AS tags FROM post p ORDER BY p.id;
-- other query methods applied: select (nested too), where, order
SELECT relorm_query_related('author', 'books', 2,
    '{"select": ["title", {"reviews": {"select": ["stars", "body"], "order": ["-stars"]}}],
      "where": {"year_published": {"lt": 1960}},
      "order": ["year_published"]}');
-- has_one and many_to_many (from both sides) work alike
SELECT relorm_query_related('customer', 'delivery_address', 1);
SELECT relorm_query_related('post', 'tags', 2, '{"select": ["name"], "order": ["-name"]}');
SELECT relorm_query_related('tag', 'posts', 2, '{"select": ["id", "title"], "order": ["id"]}');

------------------------------------------------------------------------------
-- chain in select
------------------------------------------------------------------------------

-- chainedIngredients: each ingredient of an order once, 10 at most,
-- ordered by the pizza column (an ingredient on two pizzas takes the first
-- place it reaches) then by name
SELECT relorm_select('orders',
    '{"select": ["id", {"chained_ingredients": {"chain": "pizzas.ingredients",
                                                 "select": ["name"],
                                                 "order": ["pizzas.has_pineapples", "name"],
                                                 "limit": 10}}],
      "order": ["id"]}');
-- joinedIngredients: the join of order 1's pizzas and their ingredients
-- repeats tomato and mozzarella, once per pizza
SELECT relorm_join('pizza', 'ingredients',
    '{"select": ["ingredients.*"],
      "where": {"orders": {"some": {"id": 1}}},
      "order": ["has_pineapples", "ingredients.name"],
      "limit": 10}');
-- order and where name columns of earlier tables with a prefix (table
-- "pizza" or relation "pizzas"); the current table's columns need none
SELECT relorm_select('orders',
    '{"select": ["id", {"chained_ingredients": {"chain": "pizzas.ingredients",
                                                 "select": ["name"],
                                                 "order": ["pizzas.name", "name"],
                                                 "where": {"pizza.price": {"gt": 100},
                                                           "in_stock": true}}}],
      "order": ["id"]}');
-- a chain with a to-many step gives an array: a pizza's customers, each once
SELECT relorm_select('pizza',
    '{"select": ["name", {"customers": {"chain": "orders.customer",
                                        "select": ["name"], "order": ["name"]}}],
      "order": ["id"]}');
-- a chain of to-one relations gives one object, or null
SELECT relorm_select('orders',
    '{"select": ["id", {"delivery_address": {"chain": "customer.delivery_address",
                                             "select": ["street"]}}],
      "order": ["id"]}');
-- order before and after the chain: earlier table's columns first, in the
-- order given (ORDER BY one.a, one.b, two.c)
SELECT relorm_select('orders',
    '{"select": ["id", {"ingredients": {"chain": "pizzas.ingredients",
                                        "select": ["name"],
                                        "order": ["pizzas.has_pineapples", "-pizzas.price", "name"]}}],
      "where": {"id": {"in": [1, 3]}},
      "order": ["id"]}');
-- limit and offset apply to the final (unique) rows
SELECT relorm_select('orders',
    '{"select": ["id", {"page": {"chain": "pizzas.ingredients", "select": ["name"],
                                 "order": ["name"], "limit": 2, "offset": 1}}],
      "where": {"id": 1}}');

------------------------------------------------------------------------------
-- chain out of select
------------------------------------------------------------------------------

-- book.find(1).chain('author')
SELECT relorm_chain('book', 'author', '{"of": [1]}');
-- book.find(1).chain('author').chain('awards'), in one query
SELECT relorm_chain('book', 'author.awards', '{"of": 1, "order": ["year"]}');
-- book.where({id: {in: [1, 2, 3]}}).chain('author'): each author once
SELECT relorm_chain('book', 'author', '{"where": {"book.id": {"in": [1, 2, 3]}}, "order": ["id"]}');
-- the same books by key
SELECT relorm_chain('book', 'author', '{"of": [1, 2, 3], "order": ["id"]}');
-- filter both the books and the authors
SELECT relorm_chain('book', 'author',
    '{"where": {"book.year_published": {"gte": 1950}, "name": {"starts_with": "A"}},
      "order": ["id"]}');
-- author.find(1).chain('books')
SELECT relorm_chain('author', 'books', '{"of": [1], "order": ["id"]}');
-- author.where({id: {in: [1, 3]}}).chain('books')
SELECT relorm_chain('author', 'books',
    '{"where": {"author.id": {"in": [1, 3]}}, "order": ["author_id", "year_published"]}');
-- author.findBy({name}).chain('books').chain('reviews')
SELECT relorm_chain('author', 'books.reviews',
    '{"where": {"author.name": "Uladzimir Karatkievich"}, "order": ["id"]}');
-- filter both the authors and the books
SELECT relorm_chain('author', 'books',
    '{"where": {"author.name": {"ne": "Jack London"}, "year_published": {"lt": 1960}},
      "order": ["year_published"]}');
-- a chain of to-one relations from several orders: each address once
SELECT relorm_chain('orders', 'customer.delivery_address', '{"of": [1, 2, 3, 4, 5], "order": ["id"]}');
-- the ingredients of order 1, each once (the join above repeats two)
SELECT relorm_chain('orders', 'pizzas.ingredients', '{"of": [1], "order": ["name"]}');
-- ordered by an earlier table's column, limited to the first 3 final rows
SELECT relorm_chain('orders', 'pizzas.ingredients',
    '{"of": [1, 3], "select": ["name"], "order": ["pizzas.has_pineapples", "name"], "limit": 3}');
-- where on an earlier table and a nested select on the final rows
SELECT relorm_chain('pizza', 'orders.customer',
    '{"where": {"pizza.has_pineapples": true},
      "select": ["name", {"delivery_address": {"select": ["street"]}}],
      "order": ["id"]}');

------------------------------------------------------------------------------
-- whereExists
------------------------------------------------------------------------------

-- books which have an author (not the anonymous pamphlet)
SELECT w FROM relorm_where_exists('book', 'author') AS w ORDER BY (w->>'id')::int;
-- authors which have books (not author 4)
SELECT w FROM relorm_where_exists('author', 'books') AS w ORDER BY (w->>'id')::int;
-- with a condition on the related row, named 'author.name' as in the seed
SELECT w FROM relorm_where_exists('book', 'author', '{"author.name": "Uladzimir Karatkievich"}') AS w
 ORDER BY (w->>'id')::int;
-- ... or unprefixed (the related table's column)
SELECT w FROM relorm_where_exists('book', 'author', '{"name": {"starts_with": "Ayzek"}}') AS w
 ORDER BY (w->>'id')::int;
-- authors with a book published in 2000 or later
SELECT w FROM relorm_where_exists('author', 'books', '{"year_published": {"gte": 2000}}') AS w
 ORDER BY (w->>'id')::int;
-- many-to-many: tags used by some post
SELECT w FROM relorm_where_exists('tag', 'posts') AS w ORDER BY (w->>'id')::int;

------------------------------------------------------------------------------
-- join
------------------------------------------------------------------------------

-- book.join('author').select('title', 'author.name'): inner join, so the
-- anonymous pamphlet is left out
SELECT relorm_join('book', 'author', '{"select": ["title", "author.name"], "order": ["id"]}');
-- author.join('books').select('name', 'books.title'): the name repeats
SELECT relorm_join('author', 'books', '{"select": ["name", "books.title"], "order": ["id", "books.id"]}');
-- the join filtered on the joined table
SELECT relorm_join('book', 'author',
    '{"select": ["title", "author.name"], "where": {"author.name": "Ayzek Asimov"}, "order": ["title"]}');
-- without select: every column of both, the related ones as "author.col"
SELECT relorm_join('book', 'author', '{"where": {"id": 1}}');

------------------------------------------------------------------------------
-- select
------------------------------------------------------------------------------

-- bookWithAuthor: select('id', 'title', {author: select('id', 'name')}).take()
SELECT relorm_select('book',
    '{"select": ["id", "title", {"author": {"select": ["id", "name"]}}], "order": ["id"], "limit": 1}');
-- a book without an author gets null
SELECT relorm_select('book',
    '{"select": ["id", "title", {"author": {"select": ["id", "name"]}}],
      "where": {"id": {"in": [1, 11]}}, "order": ["id"]}');
-- authorWithBooks: books with select, where, order and limit (per author);
-- an author without books gets []
SELECT relorm_select('author',
    '{"select": ["id", "name", {"books": {"select": ["id", "title"],
                                          "where": {"year_published": {"lt": 2000}},
                                          "order": ["title"],
                                          "limit": 2}}],
      "order": ["id"]}');
-- awards of the author of the book: nested three levels
SELECT relorm_select('book',
    '{"select": ["id", "title",
                 {"author": {"select": ["id", "name",
                                        {"awards": {"select": ["name", "year"], "order": ["year"]}}]}}],
      "where": {"id": {"in": [1, 3, 6]}},
      "order": ["id"]}');
-- {"relation": true}: the related row with all its columns
SELECT relorm_select('review', '{"select": ["id", "stars", {"book": true}], "where": {"stars": 5}, "order": ["id"]}');
-- the same relation twice under other keys
SELECT relorm_select('author',
    '{"select": ["name",
                 {"early": {"relation": "books", "select": ["title"],
                            "where": {"year_published": {"lt": 1960}}, "order": ["year_published"]}},
                 {"late": {"relation": "books", "select": ["title"],
                           "where": {"year_published": {"gte": 1960}}, "order": ["year_published"]}}],
      "order": ["id"]}');
-- exists(): hasTags and hasSpecificTag
SELECT relorm_select('post',
    '{"select": ["id",
                 {"has_tags": {"relation": "tags", "exists": true}},
                 {"has_specific_tag": {"relation": "tags", "exists": true, "where": {"name": "specific"}}}],
      "order": ["id"]}');
-- count and string_agg, the count used in where and order
SELECT relorm_select('post',
    '{"select": ["id",
                 {"tags_count": {"relation": "tags", "count": true}},
                 {"tags_comma_separated": {"relation": "tags", "string_agg": ["name", ", "]}}],
      "where": {"tags_count": {"gt": 1}},
      "order": [{"tags_count": "desc"}]}');
-- count, sum, avg, min, max (null over no rows), a filtered count; avg in order
SELECT relorm_select('book',
    '{"select": ["id",
                 {"reviews_count": {"relation": "reviews", "count": true}},
                 {"five_stars": {"relation": "reviews", "count": true, "where": {"stars": 5}}},
                 {"total_stars": {"relation": "reviews", "sum": "stars"}},
                 {"avg_stars": {"relation": "reviews", "avg": "stars"}},
                 {"best": {"relation": "reviews", "max": "stars"}},
                 {"worst": {"relation": "reviews", "min": "stars"}}],
      "where": {"author_id": {"in": [1, 2]}},
      "order": [{"avg_stars": "desc nulls last"}, "id"]}');
-- min and max of a year; the author without books gets null
SELECT relorm_select('author',
    '{"select": ["name",
                 {"first": {"relation": "books", "min": "year_published"}},
                 {"last": {"relation": "books", "max": "year_published"}}],
      "order": ["id"]}');

-- The inner-joined relation: only authors with a book published in 2000 or
-- later, and only those books
SELECT relorm_select('author',
    '{"select": ["id", "name", {"books": {"join": true, "select": ["title", "year_published"],
                                          "where": {"year_published": {"gte": 2000}},
                                          "order": ["title"]}}],
      "order": ["id"]}');
-- the same without join: every author, [] when none matches
SELECT relorm_select('author',
    '{"select": ["id", "name", {"books": {"select": ["title", "year_published"],
                                          "where": {"year_published": {"gte": 2000}},
                                          "order": ["title"]}}],
      "order": ["id"]}');

-- Selecting the same table: posts, their tags, the tags' posts, and those
-- posts' tags
SELECT relorm_select('post',
    '{"select": ["*", {"tags": {"select": ["*", {"posts": {"select": ["*", {"tags": true}],
                                                           "order": ["id"]}}],
                                "order": ["id"]}}],
      "where": {"id": {"in": [1, 4]}},
      "order": ["id"]}');
-- 'author.name' inside books names the author selected inside books (the
-- inner author), not the top-level author
SELECT relorm_select('author',
    '{"select": ["*", {"books": {"select": ["id", {"author": true}],
                                 "where": {"author.name": "Jack London"},
                                 "order": ["id"]}}],
      "order": ["id"]}');

-- One statement however deep: a three-level select runs one statement.
SELECT pg_stat_statements_reset() IS NOT NULL AS reset;
SELECT count(*) FROM relorm_select('book',
    '{"select": ["id", {"author": {"select": ["name", {"awards": {"select": ["name"]}}]}},
                 {"reviews": {"select": ["stars"]}}]}');
SELECT count(*) AS statements, sum(calls) AS calls FROM pg_stat_statements
 WHERE query LIKE '%qsel.%';

RESET search_path;
DROP SCHEMA qsel CASCADE;
