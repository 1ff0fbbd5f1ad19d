# Registrations survive pg_dump and restore (SPEC §2), even when the
# restored tables number their columns differently: columns dropped before
# the dump leave gaps in the attribute numbers that a restore closes, and a
# column renamed after registration must be found under its new name.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('dump');
$node->init;
$node->start;

my $src = 'relorm_dump_src';
my $dst = 'relorm_dump_dst';
$node->safe_psql('postgres', "CREATE DATABASE $src");
$node->safe_psql('postgres', "CREATE DATABASE $dst");

$node->safe_psql($src, <<'SQL');
CREATE EXTENSION relorm;
CREATE TABLE author (id int PRIMARY KEY, junk int, code text UNIQUE);
ALTER TABLE author DROP COLUMN junk;
CREATE TABLE book (id int PRIMARY KEY, junk1 int, junk2 int, title text,
                   author_code text REFERENCES author (code));
ALTER TABLE book DROP COLUMN junk1, DROP COLUMN junk2;
CREATE TABLE tag (id int PRIMARY KEY, name text);
CREATE TABLE book_tags (junk int, book_id int REFERENCES book, tag_id int REFERENCES tag,
                        PRIMARY KEY (book_id, tag_id));
ALTER TABLE book_tags DROP COLUMN junk;
INSERT INTO author VALUES (1, 'asimov'), (2, 'clarke');
INSERT INTO book (id, title) VALUES (10, 'Foundation'), (11, 'Rama');
INSERT INTO tag VALUES (1, 'sci-fi'), (2, 'classic');
SELECT relorm_has_many('author', 'books', 'book', options => '{"inverse": "author"}');
SELECT relorm_many_to_many('book', 'tags', 'tag');
-- the owner of a relation referencing author.code is named by its code (SPEC §1)
SELECT relorm_add('author', 'books', 'asimov', 10), relorm_add('author', 'books', 'clarke', 11);
SELECT relorm_attach('book', 'tags', 10, ARRAY[1, 2]);
-- renamed after registration: found by its new name after the restore
ALTER TABLE book RENAME COLUMN author_code TO written_by;
SQL

# dump the source database and restore it into the empty one; the restore
# must run without an error
my $dump = $PostgreSQL::Test::Utils::tmp_check . '/relorm_dump.sql';
$node->command_ok([ 'pg_dump', '-f', $dump, '-d', $node->connstr($src) ],
	'pg_dump of the source database');
$node->command_ok(
	[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr($dst), '-f', $dump ],
	'the dump restores without an error');

# The same questions asked of both databases must get the same answers
# (each in a transaction rolled back, as they change links).
my $checks = <<'SQL';
BEGIN;
SELECT source, name, kind, target, junction, source_columns, target_columns,
       junction_source_columns, junction_target_columns, options
  FROM relorm_relations ORDER BY source::text, name;
SELECT relorm_load_many('author', 'books', 'asimov');
SELECT relorm_load_one('book', 'author', 11);
SELECT relorm_relation_ids('book', 'tags', 10);
SELECT relorm_sync('book', 'tags', 11, ARRAY[2]);
SELECT relorm_set('book', 'author', 11, 'asimov');
SELECT relorm_load_many('author', 'books', 'asimov');
ROLLBACK;
SQL
my ($src_ret, $src_out, $src_err) = $node->psql($src, $checks);
my ($dst_ret, $dst_out, $dst_err) = $node->psql($dst, $checks);
is($src_ret, 0, 'the checks run without an error in the source database')
  or diag($src_err);
is($dst_ret, 0, 'the checks run without an error in the restored database')
  or diag($dst_err);
note("restored database answers:\n$dst_out$dst_err");
is("$dst_out\n$dst_err", "$src_out\n$src_err",
	'the restored database answers as the source does');

# the restore renumbered the renamed column, else the test shows nothing
my $attnum_query = "SELECT attnum FROM pg_attribute "
  . "WHERE attrelid = 'book'::regclass AND attname = 'written_by'";
my $src_attnum = $node->safe_psql($src, $attnum_query);
my $dst_attnum = $node->safe_psql($dst, $attnum_query);
isnt($dst_attnum, $src_attnum,
	"the restore renumbered book.written_by ($src_attnum before, $dst_attnum after)");

like($dst_out, qr/"written_by":"asimov"/,
	'the restored relation loads through book.written_by');

$node->stop;
done_testing();
