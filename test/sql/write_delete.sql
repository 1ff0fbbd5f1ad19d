-- relorm_delete and cascades (SPEC §6 "The other writes", seed 002's
-- cascades), composite keys and self-reference through every write.
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA wd;
SET search_path = wd, public;

-- seed 002: a question with categories (cascade) and answers
CREATE TABLE question (id serial PRIMARY KEY, title text);
CREATE TABLE category (id serial PRIMARY KEY, name text,
                       parent_id int REFERENCES category);
CREATE TABLE question_categories (question_id int REFERENCES question,
                                  category_id int REFERENCES category,
                                  PRIMARY KEY (question_id, category_id));
CREATE TABLE answer (id serial PRIMARY KEY, text text,
                     question_id int REFERENCES question);
SELECT relorm_many_to_many('question', 'categories', 'category', options => '{"cascade": true}');
SELECT relorm_has_many('question', 'answers', 'answer', options => '{"cascade": ["remove"]}');
SELECT relorm_belongs_to('category', 'parent', 'category', options => '{"inverse": "children"}');

-- seed 002 "cascades": saving a question with new categories inserts them
SELECT relorm_create('question', '{"title": "Question", "categories": {"create": [{"name": "ORMs"}, {"name": "Programming"}]},
                                   "answers": {"create": [{"text": "a1"}, {"text": "a2"}]}}');
SELECT * FROM category ORDER BY id;
SELECT * FROM question_categories ORDER BY 1, 2;
-- relorm_delete follows cascade remove: answers deleted, junction rows and
-- categories deleted, then the question
SELECT relorm_delete('question', '{"title": "Question"}');
SELECT (SELECT count(*) FROM question) AS questions, (SELECT count(*) FROM answer) AS answers,
       (SELECT count(*) FROM category) AS categories, (SELECT count(*) FROM question_categories) AS links;

-- without cascade a referencing row is 23503 with a hint, nothing deleted
SELECT relorm_create('category', '{"name": "root", "children": {"create": [{"name": "c1"}, {"name": "c2"}]}}');
SELECT relorm_delete('category', '{"name": "root"}');
:e
SELECT count(*) AS categories FROM category;

-- self-reference: children nested two levels, then a cascade over the
-- self-referencing has_many deletes the whole subtree
SELECT relorm_update('category', '{"name": "c1"}', '{"children": {"create": [{"name": "c1.1", "children": {"create": {"name": "c1.1.1"}}}]}}');
SELECT c.name, p.name AS parent FROM category c LEFT JOIN category p ON p.id = c.parent_id ORDER BY c.id;
SELECT relorm_drop_relation('category', 'children');
SELECT relorm_has_many('category', 'children', 'category', foreign_key => '{parent_id}', options => '{"cascade": ["remove"]}');
SELECT relorm_delete('category', '{"name": "root"}');
SELECT count(*) AS categories FROM category;
-- relorm_delete with no matching row: 0
SELECT relorm_delete('category', '{"name": "none"}');

-- composite keys: an order line keyed by (order_no, line_no), a
-- shipment referencing it by both columns
CREATE TABLE order_line (order_no int, line_no int, item text,
                         PRIMARY KEY (order_no, line_no));
CREATE TABLE shipment (id serial PRIMARY KEY, order_no int, line_no int,
                       FOREIGN KEY (order_no, line_no) REFERENCES order_line);
CREATE TABLE label (id serial PRIMARY KEY, text text);
CREATE TABLE line_label (order_no int, line_no int, label_id int REFERENCES label,
                         FOREIGN KEY (order_no, line_no) REFERENCES order_line,
                         PRIMARY KEY (order_no, line_no, label_id));
SELECT relorm_has_many('order_line', 'shipments', 'shipment', options => '{"inverse": "line"}');
SELECT relorm_many_to_many('order_line', 'labels', 'label');
SELECT relorm_create('order_line', '[{"order_no": 1, "line_no": 1, "item": "x", "shipments": {"create": [{}, {}]},
                                      "labels": {"create": {"text": "fragile"}}},
                                     {"order_no": 1, "line_no": 2, "item": "y", "labels": {"connect": {"text": "fragile"}}}]');
SELECT * FROM shipment ORDER BY id;
SELECT * FROM line_label ORDER BY 1, 2, 3;
SELECT relorm_create('shipment', '{"line": {"connect": {"order_no": 1, "line_no": 2}}}');
SELECT relorm_update('order_line', '{"order_no": 1, "line_no": 1}', '{"shipments": {"set": {"id": 3}}, "labels": {"set": []}}');
SELECT * FROM shipment ORDER BY id;
SELECT * FROM line_label ORDER BY 1, 2, 3;
SELECT relorm_delete_related('order_line', 'shipments', '{"order_no": 1, "line_no": 1}'::jsonb);
SELECT * FROM shipment ORDER BY id;
