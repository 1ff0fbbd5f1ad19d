# On a streaming hot standby relorm's read functions work and answer as the
# primary does; a write fails as any write on a standby does (25006).
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->start;

# relations registered and some rows linked on the primary
$primary->safe_psql('postgres', <<'SQL');
CREATE EXTENSION relorm;
CREATE TABLE author (id int PRIMARY KEY, name text);
CREATE TABLE book (id int PRIMARY KEY, title text, author_id int REFERENCES author);
CREATE TABLE tag (id int PRIMARY KEY, name text);
CREATE TABLE book_tags (book_id int REFERENCES book, tag_id int REFERENCES tag,
                        PRIMARY KEY (book_id, tag_id));
INSERT INTO author VALUES (1, 'Asimov'), (2, 'Clarke');
INSERT INTO book VALUES (10, 'Foundation', NULL), (11, 'I, Robot', NULL), (12, 'Rama', NULL);
INSERT INTO tag VALUES (1, 'sci-fi'), (2, 'classic'), (3, 'robots');
SELECT relorm_has_many('author', 'books', 'book', options => '{"inverse": "author"}');
SELECT relorm_many_to_many('book', 'tags', 'tag');
SELECT relorm_add('author', 'books', 1, ARRAY[10, 11]), relorm_add('author', 'books', 2, 12);
SELECT relorm_attach('book', 'tags', 10, ARRAY[1, 2]), relorm_attach('book', 'tags', 11, ARRAY[1, 3]);
SQL

# a streaming hot standby made from a backup taken after that
$primary->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'base', has_streaming => 1);
$standby->start;
$primary->wait_for_catchup($standby, 'replay');
is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'),
	't', 'the standby is in recovery');

# Each read function, asked the same on both servers, answers the same.
my %reads = (
	'relorm_load_many'     => "SELECT relorm_load_many('author', 'books', 1)",
	'relorm_load_many typed' =>
	  "SELECT * FROM relorm_load_many(NULL::tag, 'book', 'tags', 11) ORDER BY id",
	'relorm_load_one'      => "SELECT relorm_load_one('book', 'author', 12)",
	'relorm_relation_ids'  => "SELECT relorm_relation_ids('book', 'tags', 10)",
	'relorm_count_related' =>
	  "SELECT relorm_count_related('author', 'books', 1), "
	  . "relorm_count_related('book', 'tags', 11, '{\"name\": \"robots\"}')",
	'relorm_select' => q{SELECT relorm_select('author',
	    '{"select": ["id", "name", {"books": {"select": ["title", {"tags": {"select": ["name"], "order": ["name"]}}],
	                                          "order": ["title"]}}],
	      "order": ["id"]}')},
);
foreach my $name (sort keys %reads)
{
	my $on_primary = $primary->safe_psql('postgres', $reads{$name});
	my ($ret, $on_standby, $err) = $standby->psql('postgres', $reads{$name});
	is($ret, 0, "$name runs on the standby") or diag($err);
	isnt($on_primary, '', "$name returns something on the primary");
	is($on_standby, $on_primary, "$name answers on the standby as on the primary");
}

# A write on the standby fails: read-only transaction (25006), nothing linked.
my ($ret, $out, $err) = $standby->psql('postgres',
	"\\set VERBOSITY verbose\nSELECT relorm_add('author', 'books', 2, 11)");
isnt($ret, 0, 'relorm_add fails on the standby');
like($err, qr/ERROR:\s+25006:/, 'with SQLSTATE 25006 (read-only transaction)');
is($standby->safe_psql('postgres', 'SELECT author_id FROM book WHERE id = 11'),
	'1', 'and the book stays linked where it was');

$standby->stop;
$primary->stop;
done_testing();
