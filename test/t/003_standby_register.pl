# Registering is DDL (SPEC §2): on a hot standby every registration, drop
# and relorm_infer fails with 25006 (before 0.2.0 it failed with XX000),
# and the relations the primary registers reach the standby.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $primary = PostgreSQL::Test::Cluster->new('register_primary');
$primary->init(allows_streaming => 1);
$primary->start;
$primary->safe_psql('postgres', <<'SQL');
CREATE EXTENSION relorm;
CREATE TABLE author (id int PRIMARY KEY, name text);
CREATE TABLE book (id int PRIMARY KEY, title text, author_id int REFERENCES author);
INSERT INTO author VALUES (1, 'Asimov');
INSERT INTO book VALUES (10, 'Foundation', 1);
SELECT relorm_has_many('author', 'books', 'book');
SQL

$primary->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('register_standby');
$standby->init_from_backup($primary, 'base', has_streaming => 1);
$standby->start;
$primary->wait_for_catchup($standby, 'replay');

# Each registration function, and the drop, fails with 25006 on the standby.
my %ddl = (
	'relorm_belongs_to'    => "SELECT relorm_belongs_to('book', 'author', 'author')",
	'relorm_has_many again' => "SELECT relorm_has_many('author', 'books', 'book')",
	'relorm_drop_relation' => "SELECT relorm_drop_relation('author', 'books')",
	'relorm_infer'         => "SELECT * FROM relorm_infer('public')",
);
foreach my $name (sort keys %ddl)
{
	my ($ret, $out, $err) = $standby->psql('postgres',
		"\\set VERBOSITY verbose\n$ddl{$name}");
	isnt($ret, 0, "$name fails on the standby");
	like($err, qr/ERROR:\s+25006:/, "$name: SQLSTATE 25006 (read-only)");
	unlike($err, qr/XX000/, "$name: not an internal error");
}

# Nothing changed on the standby: the one relation, and reads through it.
is($standby->safe_psql('postgres', 'SELECT string_agg(name, \',\') FROM relorm_relations'),
	'books', 'the standby has the relation the primary registered');
is($standby->safe_psql('postgres', "SELECT relorm_relation_ids('author', 'books', 1)"),
	'[10]', 'and reads through it');

# A relation registered on the primary afterwards reaches the standby.
$primary->safe_psql('postgres', "SELECT relorm_belongs_to('book', 'author', 'author')");
$primary->wait_for_catchup($standby, 'replay');
is($standby->safe_psql('postgres', "SELECT relorm_load_one('book', 'author', 10)->>'name'"),
	'Asimov', 'a relation registered later on the primary works on the standby');

$standby->stop;
$primary->stop;
done_testing();
