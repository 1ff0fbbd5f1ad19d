/*-------------------------------------------------------------------------
 *
 * parse_write.h
 *	  The write parser (parse_write.c): the data of relorm_create,
 *	  relorm_update, relorm_delete and the *_related forms (SPEC §6) turned
 *	  into a tree of write nodes, names resolved, values typed, every shape
 *	  error raised with its path ($.books.create[1].title).
 *
 * The tree is set-based: a WriteLevel holds ALL the rows one nested
 * position of the data creates (every book of every author of the call),
 * column by column, each row knowing its parent row's index.  Executing
 * the tree (write_ops.c) runs a few statements per level, however many
 * rows the level holds.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELORM_PARSE_WRITE_H
#define RELORM_PARSE_WRITE_H

#include "parse_query.h"

/* the deepest data may nest (each level is a few statements) */
#define MAX_WRITE_DEPTH 32

/*
 * WriteColumn: one column of a level's rows, a value per row.  `given`
 * says which rows name the column (a row that does not gets the column's
 * default); filled by the parser from data, and by the executor for keys
 * it generates and foreign keys that nested writes fill in.
 */
typedef struct WriteColumn
{
	char	   *name;
	AttrNumber	attnum;
	Oid			type;
	int32		typmod;
	bool		identity_always;	/* GENERATED ALWAYS AS IDENTITY */
	Datum	   *values;			/* [row] */
	bool	   *nulls;			/* [row] */
	bool	   *given;			/* [row] */
} WriteColumn;

struct WriteRelation;

/*
 * WriteLevel: rows of one table, created together (create) or matched
 * together (the rows an update's where or a delete matched: then only
 * the columns fetched are held).
 */
typedef struct WriteLevel
{
	Oid			relid;
	char	   *qualified;		/* quoted schema.table */
	char	   *name;			/* for messages */
	ColumnSet	key;			/* primary key (ncols 0: none) */
	char	   *path;			/* of the list: "$", "$.books.create" */
	int			nrows;
	int			capacity;
	char	  **row_paths;		/* [row]: "$.books.create[1]" */
	int		   *parent;			/* [row]: index of the owner row, or -1 */
	List	   *columns;		/* WriteColumn * */
	List	   *relations;		/* WriteRelation *: nested writes */
	bool		on_conflict;	/* connect_or_create: ON CONFLICT DO NOTHING */
	JsonbContainer **objects;	/* relorm_save: [row]: the entity object */
	List	   *saves;			/* relorm_save: SaveRelation * */
	bool	   *skipped;		/* [row]: not inserted (conflict) or deduped */
	int		   *same_as;		/* [row]: the row it duplicates, or -1 */
} WriteLevel;

/* WriteFilter: a filter (SPEC §5 where) naming rows of a relation's target. */
typedef struct WriteFilter
{
	int			row;			/* the owner row it belongs to */
	QueryTable *table;
	QueryFilter *filter;
	char	   *path;
	int			create_row;		/* connect_or_create: its row in coc, or -1 */
} WriteFilter;

/* WriteUpdateItem: a to-many update {"where": f, "data": {..}}. */
typedef struct WriteUpdate WriteUpdate;

/*
 * WriteRelation: the operations data gives for one relation key of a
 * level's rows (create) or of the matched rows (update).  Lists hold the
 * items of every owner row; each item knows its owner row.
 */
typedef struct WriteRelation
{
	RelationInfo *rel;
	char	   *path;			/* "$.books" */
	WriteLevel *create;			/* rows to create, parent = owner row */
	List	   *connect;		/* WriteFilter *: connect, add, set */
	WriteLevel *coc;			/* connect_or_create: rows to create if no
								 * match; coc_filters give their where */
	List	   *coc_filters;	/* WriteFilter * */
	/* relorm_update only */
	bool		set;			/* set: unlink what connect does not name */
	bool		disconnect_all; /* to-one disconnect: true */
	List	   *disconnect;		/* WriteFilter * */
	bool		delete_all;		/* to-one delete: true, to-many {} / [] */
	List	   *delete;			/* WriteFilter * */
	List	   *update;			/* WriteUpdate * */
	WriteUpdate *upsert_update; /* to-one upsert: update, else create */
	uint64		affected;		/* executed: related rows updated or deleted */
} WriteRelation;

/*
 * WriteUpdate: rows of a table to update: those `where` matches (an
 * update's rows, or, nested, the related rows of the owners), with one
 * set of column values and nested writes.
 */
struct WriteUpdate
{
	QueryTable *table;
	QueryFilter *where;			/* or NULL: all (of the owners) */
	char	   *path;
	WriteLevel *values;			/* one row: the columns to set */
	List	   *relations;		/* WriteRelation * */
	bool		one_record;		/* some nested operation needs one row */
};

/*
 * SaveRelation: a relation key of relorm_save's entities: the nested
 * entities of every owner row (rows->parent: the owner row), and which
 * owner rows give the key (present) and give it as null or [].
 */
typedef struct SaveRelation
{
	RelationInfo *rel;
	char	   *key;			/* the relation's name, as in the entity */
	WriteLevel *rows;
	List	   *present;		/* int: owner rows giving the key */
	List	   *cleared;		/* int: owner rows giving null or [] */
} SaveRelation;

extern WriteLevel *parse_save(Oid relid, Jsonb *entity, bool *is_array);
extern WriteLevel *parse_create(Oid relid, Jsonb *data, bool *is_array);
extern WriteUpdate *parse_update(Oid relid, Jsonb *where, Jsonb *data);
extern WriteUpdate *parse_related_write(RelationInfo *rel, Jsonb *owner_where, char op,
									   Jsonb *where, Jsonb *data, bool *is_array);
extern QueryFilter *parse_write_filter(QueryTable *table, Jsonb *where, const char *path);
extern WriteColumn *write_level_column(WriteLevel *level, const char *name, bool add);
extern WriteLevel *write_level_new(Oid relid, const char *path);
extern int	write_level_add_row(WriteLevel *level, int parent, const char *row_path);

#endif							/* RELORM_PARSE_WRITE_H */
