-- The query language of SPEC §5 in detail: every filter operator on every
-- kind of column, and/or/not, nulls, the order forms, pages, relation
-- filters, aggregates in where and order, eager relations, the typed forms
-- and relorm_sql.
\set SHOW_CONTEXT never
-- dates print as ISO (text operators on a date column compare its text form)
SET datestyle = 'ISO, YMD';
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA qfilt;
SET search_path = qfilt, public;

CREATE TABLE shelf (id int PRIMARY KEY, label text NOT NULL);
CREATE TABLE item (id int PRIMARY KEY, shelf_id int REFERENCES shelf, name text NOT NULL,
                   qty int, price numeric(8,2), added date, active boolean, note text);
INSERT INTO shelf VALUES (1, 'kitchen'), (2, 'garage'), (3, 'empty'), (4, 'pantry');
INSERT INTO item VALUES
    (1, 1,    'Apple',      10,  1.50, '2024-01-05', true,  'fresh'),
    (2, 1,    'banana',      0,  0.25, '2024-02-10', false, NULL),
    (3, 1,    'Cherry',   NULL, 12.00, '2023-12-31', true,  'seasonal, 50% off'),
    (4, 2,    'date',        7,  3.10, NULL,         NULL,  'dried'),
    (5, 2,    'Elderberry', 25,  9.99, '2024-03-01', false, 'under_score'),
    (6, 4,    'fig',         7,  NULL, '2024-01-05', true,  NULL),
    (7, 4,    'Grape',       3,  2.00, '2024-02-29', true,  'O''Brien''s'),
    (8, 4,    'apple pie',   1,  5.00, '2024-03-15', NULL,  'it''s "quoted"'),
    (9, NULL, 'loose',       2,  0.10, '2024-01-01', true,  NULL);
SELECT relorm_has_many('shelf', 'items', 'item', options => '{"inverse": "shelf"}');

-- ids(source, query): the "id"s relorm_select returns, in its order.
-- matching(source, filter): the ids of the rows a filter keeps, by id.
CREATE FUNCTION ids(source regclass, query jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(r->>'id', ',' ORDER BY n), '-')
      FROM relorm_select(source, query) WITH ORDINALITY AS t(r, n)
$$;
CREATE FUNCTION matching(source regclass, filter jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT ids(source, jsonb_build_object('where', filter, 'order', '["id"]'::jsonb))
$$;

------------------------------------------------------------------------------
-- Values and operators
------------------------------------------------------------------------------

-- equality on text, int, numeric, date and boolean columns
SELECT matching('item', '{"name": "Apple"}') AS text_eq,
       matching('item', '{"qty": 7}') AS int_eq,
       matching('item', '{"price": 2}') AS numeric_eq,
       matching('item', '{"added": "2024-01-05"}') AS date_eq,
       matching('item', '{"active": false}') AS bool_eq;
-- a value given as a string is read by the column's type
SELECT matching('item', '{"qty": "25"}') AS int_from_string,
       matching('item', '{"price": {"eq": "9.99"}}') AS numeric_from_string;
-- eq, explicitly
SELECT matching('item', '{"name": {"eq": "fig"}}');
-- ne: rows where the column is null are not "not equal" (SQL's <>)
SELECT matching('item', '{"qty": {"ne": 7}}') AS qty_ne_7,
       matching('item', '{"active": {"ne": true}}') AS active_ne_true;
-- lt, lte, gt, gte on int
SELECT matching('item', '{"qty": {"lt": 3}}') AS lt, matching('item', '{"qty": {"lte": 3}}') AS lte,
       matching('item', '{"qty": {"gt": 7}}') AS gt, matching('item', '{"qty": {"gte": 7}}') AS gte;
-- ... on numeric and date
SELECT matching('item', '{"price": {"lt": 1}}') AS cheap,
       matching('item', '{"price": {"gte": 5}}') AS dear,
       matching('item', '{"added": {"gt": "2024-02-28"}}') AS late,
       matching('item', '{"added": {"lte": "2024-01-01"}}') AS early;
-- several operators in one object must all hold
SELECT matching('item', '{"qty": {"gt": 0, "lt": 10}}');
-- in and not_in (not_in keeps no row whose column is null)
SELECT matching('item', '{"qty": {"in": [7, 25]}}') AS qty_in,
       matching('item', '{"qty": {"not_in": [7, 25]}}') AS qty_not_in,
       matching('item', '{"name": {"in": ["fig", "Grape", "kiwi"]}}') AS name_in,
       matching('item', '{"added": {"in": ["2024-01-05", "2024-03-15"]}}') AS date_in;
-- in with a null in the list matches no null column; empty lists
SELECT matching('item', '{"qty": {"in": [7, null]}}') AS in_with_null,
       matching('item', '{"qty": {"in": []}}') AS in_empty,
       matching('item', '{"qty": {"not_in": []}}') AS not_in_empty;
-- between, both ends included, on int, numeric and date
SELECT matching('item', '{"qty": {"between": [1, 7]}}') AS qty,
       matching('item', '{"price": {"between": [1.5, 3.1]}}') AS price,
       matching('item', '{"added": {"between": ["2024-01-01", "2024-01-31"]}}') AS january;
-- contains, starts_with, ends_with: case-sensitive, % and _ are plain characters
SELECT matching('item', '{"name": {"contains": "rr"}}') AS contains,
       matching('item', '{"name": {"starts_with": "apple"}}') AS starts_with,
       matching('item', '{"name": {"ends_with": "e"}}') AS ends_with,
       matching('item', '{"note": {"contains": "50%"}}') AS percent,
       matching('item', '{"note": {"contains": "_"}}') AS underscore,
       matching('item', '{"name": {"starts_with": "%"}}') AS no_wildcard;
-- quotes in values are plain characters
SELECT matching('item', '{"note": {"contains": "''"}}') AS single_quote,
       matching('item', '{"note": {"contains": "\""}}') AS double_quote,
       matching('item', '{"note": "O''Brien''s"}') AS equal;
-- like and ilike take patterns
SELECT matching('item', '{"name": {"like": "%an%"}}') AS like,
       matching('item', '{"name": {"like": "_ig"}}') AS like_underscore,
       matching('item', '{"name": {"ilike": "a%"}}') AS ilike,
       matching('item', '{"note": {"like": "%\\_%"}}') AS like_escaped;
-- text operators on a non-text column compare its text form
SELECT matching('item', '{"added": {"starts_with": "2024-01"}}') AS date_text,
       matching('item', '{"price": {"ends_with": ".00"}}') AS numeric_text;
-- is_null true and false
SELECT matching('item', '{"active": {"is_null": true}}') AS is_null,
       matching('item', '{"note": {"is_null": false}}') AS is_not_null;
-- {"col": null} is IS NULL, {"col": {"ne": null}} is IS NOT NULL
SELECT matching('item', '{"qty": null}') AS qty_null,
       matching('item', '{"price": {"ne": null}}') AS price_not_null,
       matching('item', '{"shelf_id": {"eq": null}}') AS eq_null;
-- a column compared with a column of a related row: "shelf.label"
SELECT matching('item', '{"shelf.label": "pantry"}') AS in_pantry,
       matching('item', '{"shelf.label": {"in": ["kitchen", "garage"]}}') AS kitchen_or_garage;

------------------------------------------------------------------------------
-- and, or, not
------------------------------------------------------------------------------

-- keys of one object must all hold (and)
SELECT matching('item', '{"active": true, "qty": {"gte": 5}}');
-- and / or lists
SELECT matching('item', '{"and": [{"active": true}, {"price": {"lt": 2}}]}') AS and_,
       matching('item', '{"or": [{"qty": 0}, {"qty": null}]}') AS or_;
-- or of an and: qty over 20, or active and cheap
SELECT matching('item', '{"or": [{"qty": {"gt": 20}}, {"and": [{"active": true}, {"price": {"lt": 2}}]}]}');
-- not of an or: qty known and at least 5
SELECT matching('item', '{"not": {"or": [{"qty": null}, {"qty": {"lt": 5}}]}}');
-- not keeps SQL's three-valued logic: a null active is neither true nor not true
SELECT matching('item', '{"not": {"active": true}}') AS not_true,
       matching('item', '{"not": {"not": {"name": "fig"}}}') AS double_not;
-- and/or mixed with plain keys at several depths
SELECT matching('item',
    '{"shelf_id": {"ne": null},
      "or": [{"and": [{"name": {"ilike": "%e%"}}, {"not": {"qty": {"lt": 5}}}]},
             {"note": {"contains": "quoted"}}]}');
-- an empty and is true, an empty or is false
SELECT matching('item', '{"and": []}') AS and_empty,
       matching('item', '{"or": []}') AS or_empty;
-- an empty filter keeps every row
SELECT matching('item', '{}');

------------------------------------------------------------------------------
-- order, limit, offset
------------------------------------------------------------------------------

-- "-col" is descending (nulls first, as in SQL), then the next key
SELECT ids('item', '{"order": ["-qty", "id"]}');
-- {"col": "desc nulls last"} and {"col": "desc"}
SELECT ids('item', '{"order": [{"qty": "desc nulls last"}, {"id": "desc"}]}');
-- nulls first on an ascending column, then a descending one
SELECT ids('item', '{"order": [{"active": "asc nulls first"}, "-price"]}');
-- a date, ties broken by a second key
SELECT ids('item', '{"order": ["added", "-id"]}');
-- upper-case directions (the seed writes 'DESC')
SELECT ids('item', '{"order": [{"price": "DESC NULLS LAST"}]}');
-- pages of 4: limit with offset
SELECT ids('item', '{"order": ["id"], "limit": 4}') AS page1,
       ids('item', '{"order": ["id"], "limit": 4, "offset": 4}') AS page2,
       ids('item', '{"order": ["id"], "limit": 4, "offset": 8}') AS page3,
       ids('item', '{"order": ["id"], "limit": 4, "offset": 12}') AS page4;
-- limit 0, and offset alone
SELECT ids('item', '{"order": ["id"], "limit": 0}') AS none,
       ids('item', '{"order": ["id"], "offset": 7}') AS last_two;
-- a page of a filtered, ordered query
SELECT ids('item', '{"where": {"active": true}, "order": ["-added"], "limit": 2, "offset": 1}');
-- limit and offset inside a nested relation apply per parent row
SELECT relorm_select('shelf',
    '{"select": ["id", {"items": {"select": ["id"], "order": ["id"], "limit": 2, "offset": 1}}],
      "order": ["id"]}');

------------------------------------------------------------------------------
-- Relation filters
------------------------------------------------------------------------------

-- exists: shelves with items, and without
SELECT matching('shelf', '{"items": {"exists": true}}') AS with_items,
       matching('shelf', '{"items": {"exists": false}}') AS without;
-- ... from the to-one side: items in a shelf, and loose ones
SELECT matching('item', '{"shelf": {"exists": true}}') AS shelved,
       matching('item', '{"shelf": {"exists": false}}') AS loose;
-- some: a shelf with an item of more than 20
SELECT matching('shelf', '{"items": {"some": {"qty": {"gt": 20}}}}');
-- every: all items of the shelf have qty > 0; the empty shelf qualifies
SELECT matching('shelf', '{"items": {"every": {"qty": {"gt": 0}}}}');
-- every: an item whose condition is unknown (active is null) does not match
SELECT matching('shelf', '{"items": {"every": {"active": true}}}');
-- none: no inactive item; the empty shelf qualifies
SELECT matching('shelf', '{"items": {"none": {"active": false}}}');
-- some with a nested and/or filter
SELECT matching('shelf', '{"items": {"some": {"or": [{"name": "fig"}, {"price": {"gt": 10}}]}}}');
-- relation filters inside or / not
SELECT matching('shelf', '{"or": [{"items": {"exists": false}}, {"label": "garage"}]}') AS or_,
       matching('shelf', '{"not": {"items": {"some": {"active": true}}}}') AS not_;
-- some on a to-one relation: the related row exists and matches; nested
-- relation filters (items whose shelf has an item of qty 25)
SELECT matching('item', '{"shelf": {"some": {"label": "garage"}}}') AS in_garage,
       matching('item', '{"shelf": {"some": {"items": {"some": {"qty": 25}}}}}') AS nested;
-- a relation filter in a nested select's where
SELECT relorm_select('item',
    '{"select": ["id", {"shelf": {"select": ["label"]}}],
      "where": {"shelf": {"some": {"items": {"every": {"qty": {"gt": 0}}}}}},
      "order": ["id"]}');

------------------------------------------------------------------------------
-- Aggregates in select, where and order
------------------------------------------------------------------------------

-- count, sum, max of numeric and date, string_agg; filtered by count,
-- ordered by sum
SELECT relorm_select('shelf',
    '{"select": ["id", "label",
                 {"n": {"relation": "items", "count": true}},
                 {"total_qty": {"relation": "items", "sum": "qty"}},
                 {"max_price": {"relation": "items", "max": "price"}},
                 {"newest": {"relation": "items", "max": "added"}},
                 {"names": {"relation": "items", "string_agg": ["name", "; "]}}],
      "where": {"n": {"gte": 1}},
      "order": ["-total_qty"]}');
-- a filtered count compared with 0
SELECT relorm_select('shelf',
    '{"select": ["id", {"active_count": {"relation": "items", "count": true, "where": {"active": true}}}],
      "where": {"active_count": 0},
      "order": ["id"]}');
-- an exists aggregate in where
SELECT relorm_select('shelf',
    '{"select": ["id", {"has_cheap": {"relation": "items", "exists": true, "where": {"price": {"lt": 1}}}}],
      "where": {"has_cheap": true},
      "order": ["id"]}');
-- avg in order, nulls last; min of a date
SELECT relorm_select('shelf',
    '{"select": ["id", {"avg_price": {"relation": "items", "avg": "price"}},
                       {"oldest": {"relation": "items", "min": "added"}}],
      "order": [{"avg_price": "desc nulls last"}]}');
-- an aggregate inside or, next to a column
SELECT relorm_select('shelf',
    '{"select": ["id", {"n": {"relation": "items", "count": true}}],
      "where": {"or": [{"n": {"gt": 2}}, {"label": "empty"}]},
      "order": ["-n", "id"]}');
-- aggregates of a nested level filter and order that level
SELECT relorm_select('shelf',
    '{"select": ["label", {"items": {"select": ["name", {"of_shelf": {"relation": "shelf", "count": true}}],
                                     "where": {"qty": {"gt": 2}},
                                     "order": ["-qty", "id"]}}],
      "where": {"id": {"in": [1, 4]}},
      "order": ["id"]}');

------------------------------------------------------------------------------
-- Eager relations
------------------------------------------------------------------------------

CREATE TABLE author (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE book (id int PRIMARY KEY, title text NOT NULL, author_id int REFERENCES author);
INSERT INTO author VALUES (1, 'Ann'), (2, 'Ben');
INSERT INTO book VALUES (1, 'One', 1), (2, 'Two', 1), (3, 'Three', 2), (4, 'Four', NULL);
SELECT relorm_belongs_to('book', 'author', 'author', options => '{"eager": true}');
SELECT relorm_has_many('author', 'books', 'book');

-- an eager relation is loaded when the select does not mention it ...
SELECT relorm_select('book', '{"select": ["id", "title"], "order": ["id"]}');
-- ... and when there is no select at all
SELECT relorm_select('book', '{"order": ["id"]}');
-- mentioned, it is loaded as asked
SELECT relorm_select('book', '{"select": ["title", {"author": {"select": ["name"]}}], "order": ["id"]}');
-- mentioned under another key, it is not loaded a second time
SELECT relorm_select('book',
    '{"select": ["title", {"writer": {"relation": "author", "select": ["name"]}}], "order": ["id"]}');
-- at a nested level too
SELECT relorm_select('author', '{"select": ["name", {"books": {"select": ["title"], "order": ["id"]}}],
                                 "order": ["id"]}');
-- a cycle of eager relations (author.books and book.author) stops
SELECT relorm_drop_relation('author', 'books');
SELECT relorm_has_many('author', 'books', 'book', options => '{"eager": true, "order": ["id"]}');
SELECT relorm_select('author', '{"order": ["id"]}');
SELECT relorm_select('book', '{"where": {"id": 1}}');
SELECT relorm_query_related('author', 'books', 1);
-- the typed form returns plain rows, eager relations or not
SELECT * FROM relorm_select(NULL::author, 'author', '{"order": ["id"]}');

------------------------------------------------------------------------------
-- Typed forms
------------------------------------------------------------------------------

-- relorm_select: rows of the source table
SELECT * FROM relorm_select(NULL::item, 'item', '{"where": {"active": true}, "order": ["-id"]}');
-- relorm_query_related: rows of the target table
SELECT id, name, qty FROM relorm_query_related(NULL::item, 'shelf', 'items', 1, '{"order": ["id"]}');
SELECT * FROM relorm_query_related(NULL::shelf, 'item', 'shelf', 7, '{}');
-- relorm_chain: rows of the path's last table, each once
SELECT id, name FROM relorm_chain(NULL::item, 'shelf', 'items',
                                  '{"of": [1, 2, 3], "where": {"shelf.label": {"ne": "kitchen"}}, "order": ["id"]}');
SELECT * FROM relorm_chain(NULL::shelf, 'item', 'shelf', '{"of": [1, 2, 4, 6, 9], "order": ["id"]}');
-- relorm_where_exists: rows of the source table
SELECT * FROM relorm_where_exists(NULL::shelf, 'shelf', 'items', '{"qty": {"gt": 20}}') ORDER BY id;
SELECT * FROM relorm_where_exists(NULL::shelf, 'shelf', 'items', NULL) ORDER BY id;
-- typed rows can be used like any table's rows
SELECT s.label, count(*)
  FROM relorm_chain(NULL::item, 'shelf', 'items', '{"where": {"active": true}}') i
  JOIN shelf s ON s.id = i.shelf_id
 GROUP BY s.label ORDER BY s.label;

------------------------------------------------------------------------------
-- relorm_sql
------------------------------------------------------------------------------

-- the one statement relorm_select runs for a nested select (values are
-- parameters, not text)
SELECT relorm_sql('shelf',
    '{"select": ["label", {"items": {"select": ["name"], "where": {"active": true},
                                     "order": ["id"], "limit": 2}}],
      "where": {"label": {"in": ["kitchen", "pantry"]}},
      "order": ["id"]}');

RESET search_path;
DROP SCHEMA qfilt CASCADE;
