/*-------------------------------------------------------------------------
 *
 * relorm.h
 *	  Declarations shared by the modules of relorm.
 *
 The types every layer shares (ColumnSet, TableInfo, RelationInfo).  Each
 * module has a header of its own; a module includes only the headers of
 * its own or lower layers (test/check_layers.sh checks it):
 *
 *	0 relorm.c		module initialisation; cleanup at transaction end
 *	1 catalog.c		relorm_catalog rows: the only code that touches them
 *	  options.c		relation options, parsed and validated once
 *	  metadata.c	RelationInfo: build, per-backend cache, invalidation
 *	  infer.c		foreign keys and junctions found in the system catalogs
 *	2 keys.c		"any" arguments and jsonb values to typed values
 *	3 parse_query.c	a query's jsonb to a tree of nodes, names resolved
 *	  parse_write.c	write data (SPEC §6) to set-based write nodes
 *	4 deparse.c		the one SQL builder: SqlBuf, names, operators, params
 *	  deparse_link.c, deparse_query.c, deparse_write.c: the statements,
 *	  from metadata/nodes
 *	  deparse_ddl.c: the DDL of the create and accessor options
 *	5 exec.c		SPI and the plan caches; results.c: result rows, outcomes
 *	6 fnargs.c		arguments shared by the SQL-callable families:
 *	  link_ops.c, pivot_ops.c, read_ops.c, write_ops.c, register.c
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELORM_H
#define RELORM_H

#include "postgres.h"

#include "access/attnum.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "nodes/pg_list.h"
#include "utils/jsonb.h"
#include "storage/lockdefs.h"

/* The most columns a key (or a foreign key) may have, as in PostgreSQL. */
#define RELORM_MAX_KEY_COLUMNS INDEX_MAX_KEYS

/* The kinds of relations, in the order of SPEC §2. */
typedef enum RelationKind
{
	RELORM_BELONGS_TO,			/* foreign key on the source */
	RELORM_HAS_ONE,			/* foreign key on the target, one row */
	RELORM_HAS_MANY,			/* foreign key on the target, many rows */
	RELORM_MANY_TO_MANY,		/* junction table between the two */
	RELORM_HAS_MANY_THROUGH,	/* two relations in a row, read-only */
	RELORM_HAS_ONE_THROUGH		/* two to-one relations in a row, read-only */
} RelationKind;

/*
 * ColumnSet: an ordered list of columns of one table, e.g. a primary key or
 * the columns of one side of a foreign key.  Names are looked up when the
 * metadata is built, so a renamed column is seen by the next call.
 */
typedef struct ColumnSet
{
	int			ncols;
	AttrNumber	attnums[RELORM_MAX_KEY_COLUMNS];
	Oid			types[RELORM_MAX_KEY_COLUMNS];
	int32		typmods[RELORM_MAX_KEY_COLUMNS];
	Oid			collations[RELORM_MAX_KEY_COLUMNS];
	bool		notnull[RELORM_MAX_KEY_COLUMNS];
	char	   *names[RELORM_MAX_KEY_COLUMNS];
} ColumnSet;

/* TableInfo: what relorm needs to know of one table of a relation. */
typedef struct TableInfo
{
	Oid			relid;
	Oid			rowtype;		/* the table's composite type */
	char	   *name;			/* unqualified, for messages */
	char	   *qualified;		/* quoted schema.table, for SQL */
	ColumnSet	key;			/* the row identity: primary key, else see
								 * catalog.c; ncols == 0 when there is none */
} TableInfo;

/* The "on_delete" option: the action of a created foreign key. */
typedef enum RelationOnDelete
{
	RELORM_ON_DELETE_DEFAULT,	/* not given */
	RELORM_ON_DELETE_RESTRICT,
	RELORM_ON_DELETE_CASCADE,
	RELORM_ON_DELETE_SET_NULL,
	RELORM_ON_DELETE_NO_ACTION
} RelationOnDelete;

/* Options of a relation (SPEC §2), validated when it is registered. */
typedef struct RelationOptions
{
	char	   *inverse;		/* name of the relation seen from the target */
	bool		eager;
	bool		cascade_insert;
	bool		cascade_update;
	bool		cascade_remove;
	Jsonb	   *order;			/* default order of a to-many relation, or
								 * NULL */
	List	   *pivot;			/* junction column names (char *) */
	char	   *through;		/* through relations: the source's relation */
	char	   *via;			/* ... and the relation of its target */
	bool		create;			/* create the FK column or junction */
	RelationOnDelete on_delete; /* ... its foreign keys' ON DELETE */
	bool		not_null;		/* ... "nullable": false */
	char	   *junction_name;	/* ... the junction's name (many_to_many) */
	bool		accessor;		/* a function <relation>(<source>) */
} RelationOptions;

/* the most pivot columns a junction may expose */
#define RELORM_MAX_PIVOT_COLUMNS 32

/*
 * RelationInfo: one registered relation, resolved against the current
 * system catalogs.  Lives in its own memory context under the metadata
 * cache; see catalog.c for its life cycle.
 *
 * How the source joins the target:
 *	belongs_to:		 source.source_cols = target.target_cols  (FK on source)
 *	has_one/has_many: source.source_cols = target.target_cols  (FK on target)
 *	many_to_many:	 source.source_cols = junction.junction_source_cols and
 *					 junction.junction_target_cols = target.target_cols
 */
typedef struct RelationInfo
{
	/* cache bookkeeping */
	Oid			source_relid;	/* hash key, with name */
	char		name[NAMEDATALEN * 2];
	bool		valid;
	MemoryContext context;

	RelationKind		kind;
	TableInfo	source;
	TableInfo	target;
	TableInfo	junction;		/* relid == InvalidOid unless many_to_many */
	ColumnSet	source_cols;
	ColumnSet	target_cols;
	ColumnSet	junction_source_cols;
	ColumnSet	junction_target_cols;
	RelationOptions options;

	/* keys that identify an owner row and a target row */
	ColumnSet  *owner_key;
	ColumnSet  *target_key;

	/* many_to_many: the junction columns usable as pivot fields */
	ColumnSet	pivot_cols;

	/*
	 * many_to_many: a unique index of the junction covers the pair, so ON
	 * CONFLICT DO NOTHING alone skips a linked pair (catalog.c,
	 * junction_pair_unique).
	 */
	bool		pair_unique;

	/*
	 * A number no other RelationInfo of this backend had: prepared
	 * statements remember the one they were built for (exec.c).
	 */
	uint64		version;

	/*
	 * has_many_through / has_one_through: the two relations followed, built
	 * with this one (their memory contexts are children of its own).
	 */
	struct RelationInfo *through;
	struct RelationInfo *via;
} RelationInfo;

/* relorm.c: the call bracket, done once for every SQL-callable function */
typedef void (*RelormXactEndCallback) (void);
extern void relorm_at_transaction_end(RelormXactEndCallback callback);

#endif							/* RELORM_H */
