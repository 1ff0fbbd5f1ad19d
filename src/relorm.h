/*-------------------------------------------------------------------------
 *
 * relorm.h
 *	  Declarations shared by the modules of relorm.
 *
 * A call flows through the modules in this order:
 *
 *	catalog.c	 relation metadata (RelationInfo) and its per-backend cache
 *	keys.c		 turning "any" arguments into typed key values (KeyList)
 *	sqlbuild.c	 the link statements' builder
 *	parse_query.c, deparse_query.c	the query language: parsed to nodes, printed
 *				 as SQL through deparse.c
 *	exec.c		 the plan cache and SPI execution
 *	link_ops.c	 the SQL-callable link operations (add, remove, set, load_*)
 *	read_ops.c	 the SQL-callable query functions (SPEC §5)
 *	register.c	 the SQL-callable registration functions and the drop trigger
 *	relorm.c	 module initialisation and the per-call bracket
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELORM_H
#define RELORM_H

#include "postgres.h"

#include "access/attnum.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "nodes/pg_list.h"
#include "utils/jsonb.h"
#include "utils/tuplestore.h"

/* The most columns a key (or a foreign key) may have, as in PostgreSQL. */
#define RELORM_MAX_KEY_COLUMNS INDEX_MAX_KEYS

/* Columns of relorm_catalog, in the order of the install script. */
#define Anum_catalog_source				1
#define Anum_catalog_name				2
#define Anum_catalog_kind				3
#define Anum_catalog_target				4
#define Anum_catalog_junction			5
#define Anum_catalog_source_columns		6
#define Anum_catalog_target_columns		7
#define Anum_catalog_junction_source	8
#define Anum_catalog_junction_target	9
#define Anum_catalog_options			10
#define Anum_catalog_column_names		11
#define Natts_catalog					11

/* The kinds of relations, in the order of SPEC §2. */
typedef enum RelationKind
{
	RELORM_BELONGS_TO,			/* foreign key on the source */
	RELORM_HAS_ONE,			/* foreign key on the target, one row */
	RELORM_HAS_MANY,			/* foreign key on the target, many rows */
	RELORM_MANY_TO_MANY		/* junction table between the two */
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
} RelationOptions;

/* The operations relorm prepares statements for. */
typedef enum RelOp
{
	RELOP_ADD,
	RELOP_REMOVE,
	RELOP_SET_LINK,				/* set: link the given target(s) */
	RELOP_SET_UNLINK,			/* set: unlink what is not given */
	RELOP_LOAD_ONE,
	RELOP_LOAD_ONE_ROW,			/* typed form: the row itself */
	RELOP_LOAD_MANY,
	RELOP_LOAD_MANY_ROW,		/* typed form: the rows themselves */
	RELOP_RELATION_IDS,
	RELOP_ATTACH,				/* pivot operations (SPEC §4) */
	RELOP_DETACH,
	RELOP_SYNC,
	RELOP_TOGGLE,
	RELOP_UPDATE_PIVOT,
	RELOP_CHECK,				/* after a flat write changed nothing: do
								 * the owner and the target exist? */
	RELOP__COUNT
} RelOp;

/*
 * The shapes a statement is prepared in: for one target key the keys are
 * scalar parameters, for several they are arrays of equal length, unnested
 * in the statement.  Either way one statement does the work.
 */
typedef enum KeyShapeKind
{
	SHAPE_ONE,
	SHAPE_MANY,
	SHAPE_NONE,					/* no target keys (e.g. set to NULL) */
	SHAPE__COUNT
} KeyShapeKind;

/*
 * StatementSpec: what a prepared statement is for.  Plans are cached per
 * relation and spec.  pivot_fields is a bitmap over the relation's pivot
 * columns (those the call gives values for); option is `duplicates` for
 * attach and `detaching` for sync.
 */
typedef struct StatementSpec
{
	RelOp		op;
	KeyShapeKind shape;
	uint32		pivot_fields;
	bool		option;
} StatementSpec;

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

	/* prepared statements (PlanEntry), built on first use (exec.c) */
	List	   *plans;
} RelationInfo;

/*
 * KeyList: typed key values, column-major: values[c][i] is column c of key
 * i, already of the column's type.  Built only by keys.c.
 */
typedef struct KeyList
{
	const ColumnSet *columns;
	int			nkeys;
	Datum	   *values[RELORM_MAX_KEY_COLUMNS];
} KeyList;

/* relorm.c */
typedef Datum (*RelormImpl) (FunctionCallInfo fcinfo);
extern Datum relorm_call(FunctionCallInfo fcinfo, RelormImpl impl);
extern void relorm_enter(void);
extern void relorm_leave(void);
extern bool relorm_is_outermost_call(void);

/* catalog.c */
extern Oid	relorm_catalog_relid(bool missing_ok);
extern Oid	relorm_catalog_index_relid(void);
extern void relorm_metadata_init(void);
extern void relorm_metadata_invalidate_all(void);
extern void relorm_metadata_reap(void);
extern RelationInfo *relorm_lookup_relation(Oid source, const char *name);
extern void relorm_lock_relation_tables(RelationInfo *rel, LOCKMODE mode);
extern const char *relation_kind_name(RelationKind kind);
extern bool relation_kind_is_to_many(RelationKind kind);
extern void columnset_fill(ColumnSet *cols, Oid relid);
extern bool columnset_equal(const ColumnSet *a, const ColumnSet *b);
extern bool table_primary_key(Oid relid, ColumnSet *cols);
extern bool table_unique_index(Oid relid, const ColumnSet *cols, bool exact,
							   bool arbiter);
extern char *relorm_relation_names(Oid source);
extern RelationInfo *relorm_find_relation(Oid source, const char *name);
extern List *relorm_relations_of(Oid source);
extern void relorm_relation_not_found(Oid source, const char *name) pg_attribute_noreturn();

/* keys.c */
extern KeyList *keys_from_argument(FunctionCallInfo fcinfo, int argno,
								   const ColumnSet *columns,
								   const char *what, bool single);
extern char *keys_format(const KeyList *keys, int i);
extern Jsonb *keys_json(const KeyList *keys, int i);
extern Datum keys_column_array(const KeyList *keys, int col);
extern KeyList *keys_from_jsonb(Jsonb *jb, const ColumnSet *columns,
							   const char *what);
extern KeyList *keys_with_pivots(FunctionCallInfo fcinfo, int argno,
								 const ColumnSet *columns, const char *what,
								 bool single, Jsonb ***pivots);

/* sqlbuild.c */
extern char *build_statement(RelationInfo *rel, const StatementSpec *spec,
							 Oid *argtypes, int *nargs);
extern bool statement_is_flat(RelationInfo *rel, const StatementSpec *spec);
extern void append_order_clause(StringInfo buf, const char *alias, Oid relid,
								Jsonb *order);
extern const char *order_direction(const char *text);
extern void relorm_check_comparable(const ColumnSet *l, const ColumnSet *r);
extern char *relorm_operator(Oid ltype, Oid rtype, int16 strategy);

/* deparse_query.c: the relation option "order" (deparse_order_option) */
extern char *query_order_sql(Oid relid, const char *alias, Jsonb *order);

/* read_ops.c: relorm_load_many with a query */
extern Datum load_many_query(FunctionCallInfo fcinfo, RelationInfo *rel, KeyList *owner,
							 Jsonb *query);

/* link_ops.c: shared by the operation families */
extern RelationInfo *open_relation(FunctionCallInfo fcinfo, int argno);
extern void wrong_kind(RelationInfo *rel, const char *function, const char *hint);
extern const ColumnSet *require_key(const ColumnSet *key, const TableInfo *table);
extern void no_row(const TableInfo *table, const KeyList *keys, int i);
extern Datum write_outcome(RelationInfo *rel, const KeyList *owner,
						   const KeyList *targets);
extern void relorm_check_keys(RelationInfo *rel, KeyShapeKind shape, Datum *values);

/* exec.c */
extern StatementSpec statement_spec(RelOp op, KeyShapeKind shape);
extern SPIPlanPtr relorm_plan(RelationInfo *rel, const StatementSpec *spec);
extern void relorm_plans_free(RelationInfo *rel);
extern int	relorm_execute(RelationInfo *rel, const StatementSpec *spec,
						   Datum *values, bool read_only);
extern void relorm_lock_owner(RelationInfo *rel, const KeyList *owner);
extern SPIPlanPtr relorm_query_plan(const char *sql, int nargs, Oid *argtypes);
extern void relorm_query_plans_reap(void);

/* ResultStore: the rows a set-returning function returns. */
typedef struct ResultStore
{
	Tuplestorestate *store;
	TupleDesc	desc;
	bool		typed;			/* rows of a table, else one json column */
} ResultStore;

extern ResultStore *relorm_result_store(FunctionCallInfo fcinfo, Oid rowtype);
extern uint64 relorm_run_into(ResultStore *result, SPIPlanPtr plan, Datum *values,
							  const char *nulls);
extern HeapTuple relorm_row_from_result(TupleDesc rowdesc, HeapTuple result,
										TupleDesc resultdesc);
extern int	relorm_bind_keys(Datum *values, int next, const KeyList *keys,
							 KeyShapeKind shape);

#endif							/* RELORM_H */
