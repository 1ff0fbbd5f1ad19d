/*-------------------------------------------------------------------------
 *
 * parse_query.h
 *	  The query parser (parse_query.c): a query object (SPEC §5) turned into
 *	  a tree of nodes whose names are resolved against the catalogs and whose
 *	  values are typed Datums.  deparse_query.c prints the tree as SQL.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELORM_PARSE_QUERY_H
#define RELORM_PARSE_QUERY_H

#include "keys.h"

/* the most values one query may carry (PostgreSQL's limit of parameters) */
#define MAX_QUERY_PARAMS 65535

/* the deepest a select may nest (each level is a subquery) */
#define MAX_QUERY_DEPTH 32

/* What a level of rows produces. */
typedef enum RowsMode
{
	ROWS_TOP,					/* one json object per row */
	ROWS_TYPED,					/* true, then the table's columns, per row */
	ROWS_ARRAY,					/* one json array of objects (to-many) */
	ROWS_OBJECT					/* one json object or null (to-one) */
} RowsMode;

/*
 * QueryTable: one table of the statement.  Names resolve against it at
 * parse time; deparse assigns its alias.
 */
typedef struct QueryTable
{
	Oid			relid;
	const char *name;			/* relation name by which it was reached */
	struct QueryTable *earlier; /* the previous table of a chain or join */
	List	   *aggregates;		/* QueryAggregate *, of this level's select */
	List	   *eager_path;		/* "relid:name" of eager relations above */
	char	   *alias;			/* set by deparse */
	/* reached through a many_to_many relation: its junction row */
	struct QueryTable *junction;	/* or NULL; "pivot.<col>" names it */
	RelationInfo *pivot_rel;	/* the relation, for its pivot fields */
	bool		pivot_used;		/* a pivot field is read or named */
	/*
	 * while its level's order is parsed: "rel.col" may name a column of a
	 * to-one related row (deparse_rows prints it; a chain's, a join's or an
	 * option's order does not)
	 */
	bool		related_order;
} QueryTable;

/* QueryColumn: a column of a table of the statement. */
typedef struct QueryColumn
{
	QueryTable *table;
	AttrNumber	attnum;
	char	   *name;
	Oid			type;
	int32		typmod;
	Oid			collation;
	bool		notnull;		/* NOT NULL (keyset pages compare rows) */
} QueryColumn;

/* QueryValue: a value of the query, already of its type. */
typedef struct QueryValue
{
	Oid			type;
	Datum		value;
	bool		isnull;
} QueryValue;

/* The aggregates of SPEC §5. */
typedef enum AggregateKind
{
	AGG_COUNT,
	AGG_EXISTS,
	AGG_SUM,
	AGG_AVG,
	AGG_MIN,
	AGG_MAX,
	AGG_STRING_AGG
} AggregateKind;

struct QueryFilter;

/* QueryAggregate: an aggregate over a relation, selected at one level. */
typedef struct QueryAggregate
{
	char	   *alias;			/* its key in the select */
	AggregateKind kind;
	RelationInfo *rel;
	QueryTable *child;			/* the related rows */
	QueryColumn *column;		/* sum, avg, min, max, string_agg */
	QueryValue *separator;		/* string_agg */
	List	   *order;			/* string_agg: QueryOrderItem * */
	struct QueryFilter *where;	/* or NULL */
	Oid			type;			/* for comparing with values */
	char	   *sql;			/* set by deparse: reused where it is named */
} QueryAggregate;

/* QueryOperand: what a filter compares: a column or an aggregate. */
typedef struct QueryOperand
{
	QueryColumn *column;
	QueryAggregate *aggregate;
	Oid			type;
} QueryOperand;

/* The comparisons of a value filter. */
typedef enum CompareOp
{
	CMP_EQ,
	CMP_LT,
	CMP_LTE,
	CMP_GT,
	CMP_GTE,
	CMP_NE,
	CMP_IS_NULL,
	CMP_IS_NOT_NULL,
	CMP_IN,
	CMP_NOT_IN,
	CMP_BETWEEN,
	CMP_CONTAINS,
	CMP_STARTS_WITH,
	CMP_ENDS_WITH,
	CMP_LIKE,
	CMP_ILIKE
} CompareOp;

/* The kinds of filter nodes. */
typedef enum FilterKind
{
	FILTER_ALL,					/* every item holds (a filter object) */
	FILTER_AND,					/* {"and": [...]} */
	FILTER_OR,					/* {"or": [...]} */
	FILTER_NOT,					/* {"not": f} */
	FILTER_COMPARE,				/* a column or aggregate compared */
	FILTER_EXISTS,				/* {"rel": {"exists": true}} */
	FILTER_NOT_EXISTS,			/* {"rel": {"exists": false}} */
	FILTER_SOME,				/* {"rel": {"some": f}}, join: true */
	FILTER_NONE,				/* {"rel": {"none": f}} */
	FILTER_EVERY,				/* {"rel": {"every": f}} */
	FILTER_RELATED_COLUMN		/* {"rel.col": ...}: some related row matches */
} FilterKind;

/* QueryFilter: a condition (SPEC §5 where). */
typedef struct QueryFilter
{
	FilterKind	kind;
	List	   *items;			/* ALL, AND, OR: QueryFilter *; NOT: one */
	/* COMPARE */
	QueryOperand operand;
	CompareOp	op;
	QueryValue *value;			/* IN/NOT_IN: an array; BETWEEN: the low */
	QueryValue *value2;			/* BETWEEN: the high */
	/* EXISTS ... RELATED_COLUMN: the related rows and what they match */
	RelationInfo *rel;
	QueryTable *parent;			/* the table whose rows they hang off */
	QueryTable *child;
	struct QueryFilter *related;	/* or NULL (true) */
} QueryFilter;

/* Sort directions of an order item. */
typedef enum SortDirection
{
	SORT_DEFAULT,
	SORT_ASC,
	SORT_DESC,
	SORT_ASC_NULLS_FIRST,
	SORT_ASC_NULLS_LAST,
	SORT_DESC_NULLS_FIRST,
	SORT_DESC_NULLS_LAST,
	SORT_NULLS_FIRST,
	SORT_NULLS_LAST
} SortDirection;

/*
 * QueryOrderItem: a column, an aggregate, or (chain_slot >= 0) the order
 * value a chain's inner rows carry for its slot, over `slot_table`.
 */
typedef struct QueryOrderItem
{
	QueryColumn *column;
	QueryAggregate *aggregate;
	int			chain_slot;
	QueryTable *slot_table;
	SortDirection direction;
	/* a column of a to-one related row ("author.name"): the path to it */
	QueryTable *from;			/* the level's table */
	List	   *steps;			/* QueryChainStep *, to column->table */
	char	   *sql;			/* set by deparse for a related column */
} QueryOrderItem;

struct QueryRows;
struct QueryChain;

/* QueryRelationItem: the related row(s) of a relation, nested. */
typedef struct QueryRelationItem
{
	RelationInfo *rel;
	QueryTable *child;
	QueryFilter *join;			/* join: true: the parent's condition, or NULL */
	struct QueryRows *rows;
} QueryRelationItem;

/* The kinds of select items. */
typedef enum SelectItemKind
{
	ITEM_COLUMN,
	ITEM_RELATION,
	ITEM_AGGREGATE,
	ITEM_CHAIN,
	ITEM_PIVOT,					/* "pivot": the junction row's fields */
	ITEM_CURSOR					/* "cursor": the row's keyset cursor */
} SelectItemKind;

/* QuerySelectItem: one item of a select, under its key. */
typedef struct QuerySelectItem
{
	SelectItemKind kind;
	char	   *key;
	QueryColumn *column;
	QueryRelationItem *relation;
	QueryAggregate *aggregate;
	struct QueryChain *chain;
	List	   *pivot_columns;	/* ITEM_PIVOT: QueryColumn * of the junction */
	struct QueryRows *rows;		/* ITEM_CURSOR: the level it belongs to */
	char	   *sql;			/* set by deparse where a page moves it */
} QuerySelectItem;

/*
 * QueryRows: one level of rows: a table shaped by select, where, order,
 * limit, offset.  `order` is complete (the relation's order option and the
 * key appended where needed).
 */
typedef struct QueryRows
{
	QueryTable *table;
	RowsMode	mode;
	List	   *items;			/* QuerySelectItem *; typed: the columns */
	QueryFilter *where;			/* or NULL */
	List	   *order;			/* QueryOrderItem * */
	QueryValue *limit;			/* or NULL */
	QueryValue *offset;			/* or NULL */
	bool		paged;			/* limit or offset given */
	/* keyset pages: the shape of the order, and the values to start after */
	uint32		cursor_shape;
	List	   *after;			/* QueryValue * per order item, or NIL */
} QueryRows;

/* QueryChainStep: one relation of a chain's path, to its table. */
typedef struct QueryChainStep
{
	RelationInfo *rel;
	QueryTable *to;
} QueryChainStep;

/*
 * QueryChain: the unique rows at the end of a path of relations: `top` for
 * relorm_chain (the path joined from the source table), else nested in a
 * select (correlated to the parent row).
 */
typedef struct QueryChain
{
	QueryTable *start;
	List	   *steps;			/* QueryChainStep * */
	bool		top;
	QueryTable *final;
	List	   *key;			/* QueryColumn * of final's primary key */
	List	   *of_key;			/* top, "of": QueryColumn * of start's key */
	List	   *of_values;		/* top, "of": QueryValue *, an array per key
								 * column */
	QueryFilter *where;			/* over final (and earlier tables) */
	List	   *order;			/* QueryOrderItem *, as asked */
	QueryRows  *rows;			/* select, limit, offset of the final rows */
} QueryChain;

/* The statements of the SQL-callable read functions. */
typedef enum QueryStatementKind
{
	STMT_SELECT,				/* relorm_select, relorm_sql */
	STMT_RELATED,				/* relorm_query_related, load_many with a query */
	STMT_RELATED_COUNT,			/* relorm_count_related */
	STMT_RELATED_EXISTS,		/* relorm_exists_related */
	STMT_CHAIN,					/* relorm_chain */
	STMT_WHERE_EXISTS,			/* relorm_where_exists */
	STMT_JOIN,					/* relorm_join */
	STMT_COUNT					/* relorm_count */
} QueryStatementKind;

/* QueryStatement: the root of the tree of one call. */
typedef struct QueryStatement
{
	QueryStatementKind kind;
	bool		typed;			/* rows of a table, not json */
	QueryTable *table;			/* the table whose rows are read */
	RelationInfo *rel;			/* related, where_exists, join */
	const ColumnSet *owner_key; /* related: the owner's key columns */
	List	   *owner_values;	/* related: QueryValue * per key column */
	QueryTable *child;			/* where_exists, join: the related table */
	QueryRows  *rows;			/* select, related, join */
	QueryFilter *where;			/* count, exists, where_exists (or NULL) */
	QueryChain *chain;			/* chain */
	Oid			result_relid;	/* the table whose rows are returned */
} QueryStatement;

extern QueryStatement *parse_select(Oid source, Jsonb *query, bool typed);
extern QueryStatement *parse_related(RelationInfo *rel, const KeyList *owner,
									 Jsonb *query, bool typed);
extern QueryStatement *parse_related_aggregate(RelationInfo *rel, const KeyList *owner,
											   Jsonb *where, bool count);
extern QueryStatement *parse_chain(Oid source, const char *path, Jsonb *query,
								   bool typed);
extern QueryStatement *parse_where_exists(Oid source, const char *relation,
										  Jsonb *where, bool typed);
extern QueryStatement *parse_join(Oid source, const char *relation, Jsonb *query);
extern QueryStatement *parse_source_count(Oid source, Jsonb *where);
extern List *parse_order_option(QueryTable *table, Jsonb *order);
extern QueryTable *parse_table(Oid relid);
extern SortDirection parse_order_direction(const char *text);
extern QueryFilter *parse_filter_on(QueryTable *table, JsonbContainer *filter,
									const char *path);

#endif							/* RELORM_PARSE_QUERY_H */
