/*-------------------------------------------------------------------------
 *
 * write_ops.c
 *	  Writing through relations (SPEC §6, Orchid ORM and TypeORM):
 *	  relorm_create, relorm_update, relorm_delete, relorm_create_related,
 *	  relorm_update_related, relorm_delete_related.
 *
 * Each call parses its data into write nodes (parse_write.c: every shape
 * error, with its path), then walks the tree level by level, running for
 * each level the few statements deparse_write.c builds (exec_buf), with
 * all the level's rows as array parameters.  So the statements a call
 * runs depend on the shape of data, never on how many rows it holds.
 *
 * Order within a level of rows to create (SPEC §6): belongs_to targets
 * (created, connected) first, their keys filling the rows' foreign keys;
 * then the keys the rows lack (build_keygen) and the rows themselves;
 * then has_one / has_many rows with the new keys; then many_to_many
 * targets and the junction rows.
 *
 * Everything runs in the caller's transaction with the caller's rights:
 * an error anywhere raises, so the transaction (or the caller's
 * savepoint) rolls everything back.  Errors raised while a statement runs
 * carry the path of the level in their context ("relorm: creating rows
 * at $[*].books.create").
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

#include "deparse_write.h"
#include "fnargs.h"
#include "metadata.h"
#include "parse_write.h"

PG_FUNCTION_INFO_V1(relorm_create);
PG_FUNCTION_INFO_V1(relorm_update);
PG_FUNCTION_INFO_V1(relorm_delete);
PG_FUNCTION_INFO_V1(relorm_create_related);
PG_FUNCTION_INFO_V1(relorm_update_related);
PG_FUNCTION_INFO_V1(relorm_delete_related);
PG_FUNCTION_INFO_V1(relorm_save);

/* the deepest relorm_delete follows cascades (self-reference included) */
#define MAX_CASCADE_DEPTH 64

static void create_level(WriteLevel *level, WriteLevel *owner, RelationInfo *via,
						 bool all_owners);
static uint64 update_rows(WriteUpdate *u, RelationInfo *rel, WriteLevel *owners);
static uint64 delete_rows(Oid relid, RowsTarget *t, int depth);

/* ---- running statements ---- */

/* path_context: the error context of a write statement. */
static void
path_context(void *arg)
{
	errcontext("relorm: %s", (const char *) arg);
}

/*
 * run runs a write statement; errors carry `what` (with the path) in
 * their context, constraint violations `hint`.
 */
static ExecResult *
run(SqlBuf *buf, const char *what, const char *hint)
{
	ErrorContextCallback callback;
	ExecResult *res;

	CHECK_FOR_INTERRUPTS();
	callback.callback = path_context;
	callback.arg = (void *) what;
	callback.previous = error_context_stack;
	error_context_stack = &callback;
	res = exec_buf(buf, false, hint);
	error_context_stack = callback.previous;
	return res;
}

/* ---- levels and value sets ---- */

/* column_names: the names of a ColumnSet as a List of char *. */
static List *
column_names(const ColumnSet *cols)
{
	List	   *names = NIL;
	int			c;

	for (c = 0; c < cols->ncols; c++)
		names = lappend(names, cols->names[c]);
	return names;
}

/* add_names: names not yet in list appended. */
static List *
add_names(List *list, const ColumnSet *cols)
{
	int			c;

	for (c = 0; c < cols->ncols; c++)
	{
		ListCell   *lc;
		bool		found = false;

		foreach(lc, list)
			if (strcmp(lfirst(lc), cols->names[c]) == 0)
				found = true;
		if (!found)
			list = lappend(list, cols->names[c]);
	}
	return list;
}

/* set_value: a row's value of a column of a level (filled by a write). */
static void
set_value(WriteLevel *level, const char *name, int row, Datum value, bool isnull)
{
	WriteColumn *col = write_level_column(level, name, true);

	if (col == NULL)
		elog(ERROR, "column \"%s\" of table \"%s\" not found", name, level->name);
	col->values[row] = value;
	col->nulls[row] = isnull;
	col->given[row] = true;
}

/*
 * row_values: the values of columns `cols` of a level's row; false if
 * one of them is neither given nor filled in.
 */
static bool
row_values(WriteLevel *level, const ColumnSet *cols, int row, Datum *values, bool *nulls)
{
	int			c;

	for (c = 0; c < cols->ncols; c++)
	{
		WriteColumn *col = write_level_column(level, cols->names[c], false);

		if (col == NULL || !col->given[row])
			return false;
		values[c] = col->values[row];
		nulls[c] = col->nulls[row];
	}
	return true;
}

/* require_values: row_values, or an error naming what is missing. */
static void
require_values(WriteLevel *level, const ColumnSet *cols, int row, Datum *values, bool *nulls)
{
	if (!row_values(level, cols, row, values, nulls))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("the values of (%s) of the row of table \"%s\" at %s are not known",
						keys_column_names(cols), level->name, level->row_paths[row]),
				 errhint("Give them in data: relorm knows the columns given and the keys it generates.")));
}

/*
 * level_from_result: the rows a statement returned (columns `names`) as a
 * level of matched rows, to act on as owners.
 */
static WriteLevel *
level_from_result(Oid relid, const char *path, ExecResult *res, List *names)
{
	WriteLevel *level = write_level_new(relid, path);
	uint64		i;

	for (i = 0; i < res->processed; i++)
	{
		int			row = write_level_add_row(level, -1, path);
		ListCell   *lc;
		int			c = 1;

		foreach(lc, names)
		{
			bool		isnull;
			Datum		d = exec_result_value(res, i, c++, &isnull);

			set_value(level, lfirst(lc), row, d, isnull);
		}
	}
	return level;
}

/*
 * level_set: the values of columns `cols` (of the level's table) of some
 * rows of a level, as a value set whose columns are named `as` (the
 * columns they are compared with or written to).
 */
static ValueSet *
level_set(WriteLevel *level, const ColumnSet *cols, const int *rows, int n, const ColumnSet *as)
{
	ValueSet   *set = valueset_new(n);
	Datum		values[RELORM_MAX_KEY_COLUMNS];
	bool		nulls[RELORM_MAX_KEY_COLUMNS];
	int			c;
	int			i;

	for (c = 0; c < cols->ncols; c++)
	{
		ValueColumn *vc = valueset_add(set, as->names[c], cols->types[c], cols->collations[c]);
		WriteColumn *col = write_level_column(level, cols->names[c], false);

		for (i = 0; i < n; i++)
		{
			if (col == NULL || !col->given[rows[i]])
				require_values(level, cols, rows[i], values, nulls);
			vc->values[i] = col->values[rows[i]];
			vc->nulls[i] = col->nulls[rows[i]];
		}
	}
	return set;
}

/* all_rows: 0 .. n-1. */
static int *
all_rows(int n)
{
	int		   *rows = palloc(sizeof(int) * Max(n, 1));
	int			i;

	for (i = 0; i < n; i++)
		rows[i] = i;
	return rows;
}

/* ---- matching filters ---- */

/* MatchRow: a row a filter matched: the values of the columns asked for. */
typedef struct MatchRow
{
	Datum		values[RELORM_MAX_KEY_COLUMNS * 2];
	bool		nulls[RELORM_MAX_KEY_COLUMNS * 2];
} MatchRow;

/*
 * match_filters: the rows each filter matches (columns `names`), one
 * statement for all; returns an array of Lists of MatchRow, one per filter.
 */
static List **
match_filters(Oid relid, List *filters, List *names, const char *what)
{
	int			n = list_length(filters);
	List	  **per = palloc0(sizeof(List *) * Max(n, 1));
	SqlBuf	   *buf;
	ExecResult *res;
	uint64		i;

	if (n == 0)
		return per;
	if (list_length(names) > RELORM_MAX_KEY_COLUMNS * 2)
		elog(ERROR, "too many columns to match");
	buf = sqlbuf_create();
	build_match(buf, relid, filters, names);
	res = run(buf, what, NULL);
	for (i = 0; i < res->processed; i++)
	{
		bool		isnull;
		int			f = DatumGetInt32(exec_result_value(res, i, 1, &isnull));
		MatchRow   *m = palloc(sizeof(MatchRow));
		int			c;

		for (c = 0; c < list_length(names); c++)
			m->values[c] = exec_result_value(res, i, c + 2, &m->nulls[c]);
		per[f] = lappend(per[f], m);
	}
	return per;
}

/* no_match raises P0002 for a filter that matches no row. */
static void
no_match(WriteFilter *f, Oid relid)
{
	ereport(ERROR,
			(errcode(ERRCODE_NO_DATA_FOUND),
			 errmsg("no row of table \"%s\" matches the filter at %s", get_rel_name(relid),
					f->path)));
}

/* check_matches: P0002 for a filter matching nothing, P0003 for a to-one matching several. */
static void
check_matches(List *filters, List **per, Oid relid, bool to_one)
{
	ListCell   *lc;
	int			i = 0;

	foreach(lc, filters)
	{
		WriteFilter *f = lfirst(lc);

		if (per[i] == NIL)
			no_match(f, relid);
		if (to_one && list_length(per[i]) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_TOO_MANY_ROWS),
					 errmsg("the filter at %s matches %d rows of table \"%s\", a to-one relation takes one",
							f->path, list_length(per[i]), get_rel_name(relid))));
		i++;
	}
}

/*
 * connect_or_create: the rows each filter of a connect_or_create list
 * names, creating (ON CONFLICT DO NOTHING) the rows of those matching
 * nothing; a row a concurrent session created first is matched again.
 * Returns per filter the matched rows (columns `names`).
 */
static List **
connect_or_create(WriteRelation *wr, WriteLevel *owner, List *names, bool all_owners)
{
	RelationInfo *rel = wr->rel;
	WriteLevel *coc = wr->coc;
	char	   *what = psprintf("connecting or creating rows at %s", coc->path);
	List	  **per = match_filters(rel->target.relid, wr->coc_filters, names, what);
	bool	   *wanted = palloc0(sizeof(bool) * Max(coc->nrows, 1));
	ListCell   *lc;
	List	   *again = NIL;
	List	   *again_idx = NIL;
	List	  **per2;
	int			i;
	bool		any = false;

	i = 0;
	foreach(lc, wr->coc_filters)
	{
		WriteFilter *f = lfirst(lc);

		if (per[i++] == NIL)
			wanted[f->create_row] = any = true;
	}
	if (!any)
		return per;
	for (i = 0; i < coc->nrows; i++)
		coc->skipped[i] = !wanted[i];
	create_level(coc, owner, rel, all_owners);

	/* rows created: their values; rows a conflict skipped: match again */
	i = 0;
	foreach(lc, wr->coc_filters)
	{
		WriteFilter *f = lfirst(lc);

		if (per[i] == NIL)
		{
			if (!coc->skipped[f->create_row])
			{
				MatchRow   *m = palloc(sizeof(MatchRow));
				ListCell   *nc;
				int			c = 0;

				foreach(nc, names)
				{
					ColumnSet	one;

					one.ncols = 1;
					one.names[0] = lfirst(nc);
					require_values(coc, &one, f->create_row, &m->values[c], &m->nulls[c]);
					c++;
				}
				per[i] = list_make1(m);
			}
			else
			{
				again = lappend(again, f);
				again_idx = lappend_int(again_idx, i);
			}
		}
		i++;
	}
	if (again == NIL)
		return per;
	per2 = match_filters(rel->target.relid, again, names, what);
	i = 0;
	foreach(lc, again)
	{
		WriteFilter *f = lfirst(lc);

		if (per2[i] == NIL)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("the row to create at %s conflicts with a row of table \"%s\" that the filter at %s does not match",
							coc->row_paths[f->create_row], get_rel_name(rel->target.relid),
							f->path),
					 errhint("Give connect_or_create a where that matches the row its create would conflict with.")));
		per[list_nth_int(again_idx, i)] = per2[i];
		i++;
	}
	return per;
}

/* ---- growing value sets ---- */

/* SetBuilder: a value set rows are pushed onto. */
typedef struct SetBuilder
{
	ValueSet   *set;
	int			capacity;
} SetBuilder;

/* builder_new: a set with the columns named `names` of the given types. */
static SetBuilder *
builder_new(const ColumnSet *a, const ColumnSet *a_names, const ColumnSet *b,
			const ColumnSet *b_names)
{
	SetBuilder *sb = palloc0(sizeof(SetBuilder));
	int			c;

	sb->set = valueset_new(0);
	for (c = 0; c < a->ncols; c++)
		valueset_add(sb->set, a_names->names[c], a->types[c], a->collations[c]);
	if (b != NULL)
		for (c = 0; c < b->ncols; c++)
			valueset_add(sb->set, b_names->names[c], b->types[c], b->collations[c]);
	return sb;
}

/* builder_push: one row (values of the first columns, then the others). */
static void
builder_push(SetBuilder *sb, const Datum *a, const bool *an, int na, const Datum *b,
			 const bool *bn)
{
	ListCell   *lc;
	int			c = 0;
	int			row = sb->set->n;

	if (row >= sb->capacity)
	{
		sb->capacity = sb->capacity ? sb->capacity * 2 : 16;
		foreach(lc, sb->set->cols)
		{
			ValueColumn *vc = lfirst(lc);

			vc->values = repalloc(vc->values, sizeof(Datum) * sb->capacity);
			vc->nulls = repalloc(vc->nulls, sizeof(bool) * sb->capacity);
		}
	}
	foreach(lc, sb->set->cols)
	{
		ValueColumn *vc = lfirst(lc);

		vc->values[row] = c < na ? a[c] : b[c - na];
		vc->nulls[row] = c < na ? an[c] : bn[c - na];
		c++;
	}
	sb->set->n++;
}

/* ---- creating ---- */

/*
 * generate_keys fills in the key columns of the rows that lack them, one
 * statement for the level (build_keygen).
 */
static void
generate_keys(WriteLevel *level)
{
	List	   *cols = NIL;
	int		   *missing = palloc(sizeof(int) * Max(level->nrows, 1));
	int			n = 0;
	int			c;
	int			i;
	SqlBuf	   *buf;
	ExecResult *res;

	if (level->key.ncols == 0)
		return;
	/* the INSERT's own privilege check, before the key's sequence is used */
	if (pg_class_aclcheck(level->relid, GetUserId(), ACL_INSERT) != ACLCHECK_OK &&
		pg_attribute_aclcheck_all(level->relid, GetUserId(), ACL_INSERT,
								  ACLMASK_ANY) != ACLCHECK_OK)
		aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, level->name);
	for (c = 0; c < level->key.ncols; c++)
		cols = lappend(cols, write_level_column(level, level->key.names[c], true));
	for (i = 0; i < level->nrows; i++)
	{
		ListCell   *lc;
		bool		lacks = false;

		if (level->skipped[i])
			continue;
		foreach(lc, cols)
			lacks |= !((WriteColumn *) lfirst(lc))->given[i];
		if (lacks)
			missing[n++] = i;
	}
	if (n == 0)
		return;
	buf = sqlbuf_create();
	if (!build_keygen(buf, level, cols, n))
		return;					/* no default: INSERT says what is missing */
	res = run(buf, psprintf("generating keys of table \"%s\" at %s", level->name, level->path),
			  NULL);
	for (i = 0; i < n && i < (int) res->processed; i++)
	{
		ListCell   *lc;

		c = 1;
		foreach(lc, cols)
		{
			WriteColumn *col = lfirst(lc);
			bool		isnull;
			Datum		d = exec_result_value(res, i, c++, &isnull);

			if (!col->given[missing[i]])
				set_value(level, col->name, missing[i], d, isnull);
		}
	}
}

/* point_rows: set the foreign key (rel->source_cols) of a level's row. */
static void
point_row(WriteLevel *level, RelationInfo *rel, int row, const Datum *values, const bool *nulls)
{
	int			c;

	for (c = 0; c < rel->source_cols.ncols; c++)
		set_value(level, rel->source_cols.names[c], row, values[c], nulls[c]);
}

/*
 * belongs_to_first: a level's belongs_to relation before its rows are
 * inserted: targets created, connected or connect_or_created, and each
 * row's foreign key filled with its target's referenced columns.
 */
static void
belongs_to_first(WriteLevel *level, WriteRelation *wr)
{
	RelationInfo *rel = wr->rel;
	Oid			target = rel->target.relid;
	List	   *names = column_names(&rel->target_cols);
	Datum		values[RELORM_MAX_KEY_COLUMNS];
	bool		nulls[RELORM_MAX_KEY_COLUMNS];
	ListCell   *lc;
	List	  **per;
	int			i;

	if (wr->create != NULL)
	{
		create_level(wr->create, level, rel, false);
		for (i = 0; i < wr->create->nrows; i++)
		{
			if (wr->create->skipped[i])
				continue;
			require_values(wr->create, &rel->target_cols, i, values, nulls);
			point_row(level, rel, wr->create->parent[i], values, nulls);
		}
	}
	if (wr->connect != NIL)
	{
		per = match_filters(target, wr->connect, names,
							psprintf("connecting rows at %s.connect", wr->path));
		check_matches(wr->connect, per, target, true);
		i = 0;
		foreach(lc, wr->connect)
		{
			MatchRow   *m = linitial(per[i++]);

			point_row(level, rel, ((WriteFilter *) lfirst(lc))->row, m->values, m->nulls);
		}
	}
	if (wr->coc != NULL)
	{
		per = connect_or_create(wr, level, names, false);
		check_matches(wr->coc_filters, per, target, true);
		i = 0;
		foreach(lc, wr->coc_filters)
		{
			MatchRow   *m = linitial(per[i++]);

			point_row(level, rel, ((WriteFilter *) lfirst(lc))->row, m->values, m->nulls);
		}
	}
}

/*
 * link_matched: the rows filters matched, linked to the filters' owner
 * rows: has_one / has_many by pointing their foreign key at the owner
 * (names: the target's key), many_to_many by junction pairs (names: the
 * target columns the junction references).
 */
static void
link_matched(WriteLevel *owner, RelationInfo *rel, List *filters, List **per,
			 SetBuilder *links, SetBuilder *pairs)
{
	Datum		ovals[RELORM_MAX_KEY_COLUMNS];
	bool		onulls[RELORM_MAX_KEY_COLUMNS];
	ListCell   *lc;
	int			i = 0;

	foreach(lc, filters)
	{
		WriteFilter *f = lfirst(lc);
		ListCell   *mc;

		if (!(owner->skipped[f->row]))
		{
			require_values(owner, &rel->source_cols, f->row, ovals, onulls);
			foreach(mc, per[i])
			{
				MatchRow   *m = lfirst(mc);

				if (rel->kind == RELORM_MANY_TO_MANY)
					builder_push(pairs, ovals, onulls, rel->source_cols.ncols, m->values, m->nulls);
				else
					builder_push(links, m->values, m->nulls, rel->target.key.ncols, ovals, onulls);
			}
		}
		i++;
	}
}

/*
 * children_after: a level's has_one / has_many / many_to_many relation
 * after its rows are inserted: rows created with the new keys, rows
 * connected (moved to the new owner), junction rows.
 */
static void
children_after(WriteLevel *level, WriteRelation *wr)
{
	RelationInfo *rel = wr->rel;
	Oid			target = rel->target.relid;
	bool		junction = rel->kind == RELORM_MANY_TO_MANY;
	List	   *names;
	SetBuilder *links = NULL;
	SetBuilder *pairs = NULL;
	List	  **per;
	SqlBuf	   *buf;

	if (junction)
		pairs = builder_new(&rel->source_cols, &rel->junction_source_cols, &rel->target_cols,
							&rel->junction_target_cols);
	else
	{
		if (wr->connect != NIL || wr->coc != NULL)
			require_key(&rel->target.key, &rel->target);
		links = builder_new(&rel->target.key, &rel->target.key, &rel->source_cols,
							&rel->target_cols);
	}
	names = junction ? column_names(&rel->target_cols) : column_names(&rel->target.key);

	if (wr->create != NULL)
	{
		create_level(wr->create, level, rel, false);
		if (junction)
		{
			int			i;
			Datum		ovals[RELORM_MAX_KEY_COLUMNS];
			bool		onulls[RELORM_MAX_KEY_COLUMNS];
			Datum		tvals[RELORM_MAX_KEY_COLUMNS];
			bool		tnulls[RELORM_MAX_KEY_COLUMNS];

			for (i = 0; i < wr->create->nrows; i++)
			{
				if (wr->create->skipped[i])
					continue;
				require_values(level, &rel->source_cols, wr->create->parent[i], ovals, onulls);
				require_values(wr->create, &rel->target_cols, i, tvals, tnulls);
				builder_push(pairs, ovals, onulls, rel->source_cols.ncols, tvals, tnulls);
			}
		}
	}
	if (wr->connect != NIL)
	{
		per = match_filters(target, wr->connect, names,
							psprintf("connecting rows at %s.connect", wr->path));
		check_matches(wr->connect, per, target, rel->kind == RELORM_HAS_ONE);
		link_matched(level, rel, wr->connect, per, links, pairs);
	}
	if (wr->coc != NULL)
	{
		per = connect_or_create(wr, level, names, false);
		check_matches(wr->coc_filters, per, target, rel->kind == RELORM_HAS_ONE);
		link_matched(level, rel, wr->coc_filters, per, links, pairs);
	}
	if (links != NULL && links->set->n > 0)
	{
		ValueSet   *keys = valueset_new(links->set->n);
		ValueSet   *vals = valueset_new(links->set->n);
		int			k = rel->target.key.ncols;

		keys->cols = list_copy_head(links->set->cols, k);
		vals->cols = list_copy_tail(links->set->cols, k);
		buf = sqlbuf_create();
		build_link_update(buf, target, keys, vals);
		run(buf, psprintf("linking rows of table \"%s\" at %s", rel->target.name, wr->path),
			psprintf("Relation \"%s\" links rows by setting their foreign key.", rel->name));
	}
	if (pairs != NULL && pairs->set->n > 0)
	{
		buf = sqlbuf_create();
		build_junction_insert(buf, rel, pairs->set);
		run(buf, psprintf("linking rows of table \"%s\" at %s", rel->target.name, wr->path),
			psprintf("Relation \"%s\" links rows through table \"%s\".", rel->name,
					 rel->junction.name));
	}
}

/*
 * create_level creates the rows of a level (SPEC §6 order, see the top of
 * this file).  owner/via: the level hangs off owner's rows through via
 * (has_one / has_many: the rows' foreign key comes from their owner row,
 * or from owner row 0 when all_owners).
 */
static void
create_level(WriteLevel *level, WriteLevel *owner, RelationInfo *via, bool all_owners)
{
	ListCell   *lc;
	int		   *rows;
	int			n = 0;
	int			i;

	check_stack_depth();
	if (owner != NULL && !all_owners)
		for (i = 0; i < level->nrows; i++)
			if (level->parent[i] >= 0 && owner->skipped[level->parent[i]])
				level->skipped[i] = true;
	if (owner != NULL && via != NULL &&
		(via->kind == RELORM_HAS_ONE || via->kind == RELORM_HAS_MANY))
	{
		Datum		values[RELORM_MAX_KEY_COLUMNS];
		bool		nulls[RELORM_MAX_KEY_COLUMNS];
		int			c;

		for (i = 0; i < level->nrows; i++)
		{
			if (level->skipped[i])
				continue;
			require_values(owner, &via->source_cols, all_owners ? 0 : level->parent[i],
						   values, nulls);
			for (c = 0; c < via->target_cols.ncols; c++)
				set_value(level, via->target_cols.names[c], i, values[c], nulls[c]);
		}
	}

	foreach(lc, level->relations)
	{
		WriteRelation *wr = lfirst(lc);

		if (wr->rel->kind == RELORM_BELONGS_TO)
			belongs_to_first(level, wr);
	}

	generate_keys(level);

	rows = palloc(sizeof(int) * Max(level->nrows, 1));
	for (i = 0; i < level->nrows; i++)
		if (!level->skipped[i])
			rows[n++] = i;
	if (n > 0)
	{
		SqlBuf	   *buf = sqlbuf_create();
		ExecResult *res;
		uint64		r;

		build_insert(buf, level, rows, n);
		res = run(buf, psprintf("creating rows of table \"%s\" at %s", level->name, level->path),
				  psprintf("The rows at %s break a constraint of table \"%s\".", level->path,
						   level->name));
		if (level->on_conflict)
			for (r = 0; r < res->processed; r++)
			{
				bool		isnull;
				int64		o = DatumGetInt64(exec_result_value(res, r, 1, &isnull));

				level->skipped[rows[o - 1]] = true;
			}
	}

	foreach(lc, level->relations)
	{
		WriteRelation *wr = lfirst(lc);

		if (wr->rel->kind != RELORM_BELONGS_TO)
			children_after(level, wr);
	}
}

/*
 * level_json: the rows of a level (not skipped) as json, in input order:
 * an array, or the one object.
 */
static Datum
level_json(WriteLevel *level, bool is_array)
{
	int		   *rows = palloc(sizeof(int) * Max(level->nrows, 1));
	int			n = 0;
	int			i;
	SqlBuf	   *buf;
	ExecResult *res;
	StringInfoData out;
	uint64		r;

	for (i = 0; i < level->nrows; i++)
		if (!level->skipped[i])
			rows[n++] = i;
	if (level->key.ncols == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s\" has no primary key to return the rows created by",
						level->name)));
	initStringInfo(&out);
	if (n > 0)
	{
		buf = sqlbuf_create();
		build_result_rows(buf, level->relid, level_set(level, &level->key, rows, n, &level->key));
		res = run(buf, psprintf("reading the rows created at %s", level->path), NULL);
	}
	else
		res = palloc0(sizeof(ExecResult));
	if (!is_array)
	{
		bool		isnull = true;
		Datum		d = res->processed > 0 ? exec_result_value(res, 0, 1, &isnull) : (Datum) 0;

		if (isnull)
			return (Datum) 0;
		return d;
	}
	appendStringInfoChar(&out, '[');
	for (r = 0; r < res->processed; r++)
	{
		bool		isnull;
		Datum		d = exec_result_value(res, r, 1, &isnull);

		if (r > 0)
			appendStringInfoString(&out, ", ");
		appendStringInfoString(&out, TextDatumGetCString(d));
	}
	appendStringInfoChar(&out, ']');
	return PointerGetDatum(cstring_to_text(out.data));
}

/* ---- updating ---- */

/* owner_values_set: the owners' values of rel's source columns. */
static ValueSet *
owner_values_set(WriteLevel *owners, RelationInfo *rel, const ColumnSet *as)
{
	return level_set(owners, &rel->source_cols, all_rows(owners->nrows), owners->nrows, as);
}

/* lock_owners: the advisory lock of exec_lock_owner, for each owner row. */
static void
lock_owners(WriteLevel *owners, RelationInfo *rel)
{
	const ColumnSet *key = rel->owner_key ? rel->owner_key : &rel->source_cols;
	Datum		values[RELORM_MAX_KEY_COLUMNS];
	bool		nulls[RELORM_MAX_KEY_COLUMNS];
	int			i;

	for (i = 0; i < owners->nrows; i++)
	{
		require_values(owners, key, i, values, nulls);
		exec_lock_owner_values(rel, key, values);
	}
}

/* repeat_set: n copies of one row of values, as a set named `as`. */
static ValueSet *
repeat_set(const ColumnSet *types, const ColumnSet *as, const Datum *values, const bool *nulls,
		   int n)
{
	ValueSet   *set = valueset_new(n);
	int			c;
	int			i;

	for (c = 0; c < types->ncols; c++)
	{
		ValueColumn *vc = valueset_add(set, as->names[c], types->types[c], types->collations[c]);

		for (i = 0; i < n; i++)
		{
			vc->values[i] = values[c];
			vc->nulls[i] = nulls[c];
		}
	}
	return set;
}

/* matched_set: every row filters matched (columns of cols), as a set named `as`. */
static ValueSet *
matched_set(List *filters, List **per, const ColumnSet *cols, const ColumnSet *as)
{
	SetBuilder *sb = builder_new(cols, as, NULL, NULL);
	int			i;

	for (i = 0; i < list_length(filters); i++)
	{
		ListCell   *lc;

		foreach(lc, per[i])
		{
			MatchRow   *m = lfirst(lc);

			builder_push(sb, m->values, m->nulls, cols->ncols, NULL, NULL);
		}
	}
	return sb->set;
}

/* result_set: the rows of a statement's result (columns of cols) as a set named `as`. */
static ValueSet *
result_set(ExecResult *res, int first, const ColumnSet *cols, const ColumnSet *as)
{
	ValueSet   *set = valueset_new(res->processed);
	int			c;
	uint64		i;

	for (c = 0; c < cols->ncols; c++)
	{
		ValueColumn *vc = valueset_add(set, as->names[c], cols->types[c], cols->collations[c]);

		for (i = 0; i < res->processed; i++)
			vc->values[i] = exec_result_value(res, i, first + c, &vc->nulls[i]);
	}
	return set;
}

/* cross_pairs: every owner with every target: junction pairs. */
static ValueSet *
cross_pairs(RelationInfo *rel, ValueSet *owners, ValueSet *targets)
{
	SetBuilder *sb = builder_new(&rel->source_cols, &rel->junction_source_cols,
								 &rel->target_cols, &rel->junction_target_cols);
	Datum		a[RELORM_MAX_KEY_COLUMNS];
	bool		an[RELORM_MAX_KEY_COLUMNS];
	Datum		b[RELORM_MAX_KEY_COLUMNS];
	bool		bn[RELORM_MAX_KEY_COLUMNS];
	int			i;
	int			j;

	for (i = 0; i < owners->n; i++)
		for (j = 0; j < targets->n; j++)
		{
			ListCell   *lc;
			int			c = 0;

			foreach(lc, owners->cols)
			{
				a[c] = ((ValueColumn *) lfirst(lc))->values[i];
				an[c++] = ((ValueColumn *) lfirst(lc))->nulls[i];
			}
			c = 0;
			foreach(lc, targets->cols)
			{
				b[c] = ((ValueColumn *) lfirst(lc))->values[j];
				bn[c++] = ((ValueColumn *) lfirst(lc))->nulls[j];
			}
			builder_push(sb, a, an, list_length(owners->cols), b, bn);
		}
	return sb->set;
}

/* run_junction_insert: link pairs, if any. */
static void
run_junction_insert(RelationInfo *rel, ValueSet *pairs, const char *path)
{
	SqlBuf	   *buf;

	if (pairs->n == 0)
		return;
	buf = sqlbuf_create();
	build_junction_insert(buf, rel, pairs);
	run(buf, psprintf("linking rows of table \"%s\" at %s", rel->target.name, path),
		psprintf("Relation \"%s\" links rows through table \"%s\".", rel->name,
				 rel->junction.name));
}

/* unlink_hint: the hint of a NOT NULL foreign key met while unlinking. */
static char *
unlink_hint(RelationInfo *rel, const TableInfo *table)
{
	return psprintf("Relation \"%s\" unlinks rows of table \"%s\" by setting their foreign key to NULL, which the column does not allow; delete the rows instead, or make the column nullable.",
					rel->name, table->name);
}

/* rows_of: a RowsTarget of the target rows related to the owners. */
static RowsTarget
rows_of(RelationInfo *rel, ValueSet *owners)
{
	RowsTarget	t;

	memset(&t, 0, sizeof(t));
	t.relid = rel->target.relid;
	t.rel = rel;
	t.owners = owners;
	return t;
}

/* run_update_rows: build_rows_update of a RowsTarget; returns the count. */
static uint64
run_update_rows(RowsTarget *t, WriteLevel *values, List *null_columns, const char *what,
				const char *hint)
{
	SqlBuf	   *buf = sqlbuf_create();

	build_rows_update(buf, t, values, null_columns, NIL);
	return run(buf, what, hint)->processed;
}

/* run_delete_rows: build_rows_delete of a RowsTarget; returns the count. */
static uint64
run_delete_rows(RowsTarget *t, const char *what)
{
	SqlBuf	   *buf = sqlbuf_create();

	build_rows_delete(buf, t, NIL);
	return run(buf, what,
			   "Rows of other tables reference the rows deleted; delete those first, or register the relation with \"cascade\": [\"remove\"] and use relorm_delete.")->processed;
}

/* one_owner: P0003 unless the update matched one row. */
static void
one_owner(WriteLevel *owners, WriteRelation *wr, const char *op)
{
	if (owners->nrows > 1)
		ereport(ERROR,
				(errcode(ERRCODE_TOO_MANY_ROWS),
				 errmsg("%s of relation \"%s\" at %s takes one record, but %d rows of table \"%s\" matched",
						op, wr->rel->name, wr->path, owners->nrows, owners->name)));
}

/* update_belongs_to: the operations of a belongs_to key of relorm_update. */
static void
update_belongs_to(WriteRelation *wr, WriteLevel *owners)
{
	RelationInfo *rel = wr->rel;
	int			n = owners->nrows;
	ValueSet   *okeys = level_set(owners, require_key(&owners->key, &rel->source),
								  all_rows(n), n, &owners->key);
	Datum		values[RELORM_MAX_KEY_COLUMNS];
	bool		nulls[RELORM_MAX_KEY_COLUMNS];
	ListCell   *lc;
	bool		create = wr->create != NULL;
	SqlBuf	   *buf;

	foreach(lc, wr->update)
		wr->affected += update_rows(lfirst(lc), rel, owners);
	if (wr->upsert_update != NULL)
		create = update_rows(wr->upsert_update, rel, owners) == 0;
	if (create || wr->set)
	{
		if (create)
		{
			create_level(wr->create, owners, rel, true);
			require_values(wr->create, &rel->target_cols, 0, values, nulls);
		}
		else
		{
			List	  **per = match_filters(rel->target.relid, wr->connect,
											column_names(&rel->target_cols),
											psprintf("setting %s", wr->path));
			MatchRow   *m;

			check_matches(wr->connect, per, rel->target.relid, true);
			m = linitial(per[0]);
			memcpy(values, m->values, sizeof(Datum) * rel->target_cols.ncols);
			memcpy(nulls, m->nulls, sizeof(bool) * rel->target_cols.ncols);
		}
		buf = sqlbuf_create();
		build_link_update(buf, owners->relid, okeys,
						  repeat_set(&rel->target_cols, &rel->source_cols, values, nulls, n));
		run(buf, psprintf("pointing rows of table \"%s\" at %s", owners->name, wr->path), NULL);
	}
	if (wr->disconnect_all || wr->delete_all)
	{
		RowsTarget	t;
		ValueSet   *targets = owner_values_set(owners, rel, &rel->target_cols);

		memset(&t, 0, sizeof(t));
		t.relid = owners->relid;
		t.keys = okeys;
		run_update_rows(&t, NULL, column_names(&rel->source_cols),
						psprintf("disconnecting %s", wr->path), unlink_hint(rel, &rel->source));
		if (wr->delete_all)
		{
			memset(&t, 0, sizeof(t));
			t.relid = rel->target.relid;
			t.keys = targets;
			wr->affected += run_delete_rows(&t, psprintf("deleting rows at %s", wr->path));
		}
	}
}

/* update_direct: the operations of a has_one / has_many key of relorm_update. */
static void
update_direct(WriteRelation *wr, WriteLevel *owners)
{
	RelationInfo *rel = wr->rel;
	Oid			target = rel->target.relid;
	ValueSet   *ovals = owner_values_set(owners, rel, &rel->source_cols);
	const ColumnSet *tkey = require_key(&rel->target.key, &rel->target);
	List	   *null_fk = column_names(&rel->target_cols);
	Datum		values[RELORM_MAX_KEY_COLUMNS];
	bool		nulls[RELORM_MAX_KEY_COLUMNS];
	RowsTarget	t;
	ListCell   *lc;
	bool		create = wr->create != NULL;
	SqlBuf	   *buf;

	if (wr->set || (create && rel->kind == RELORM_HAS_ONE))
		lock_owners(owners, rel);
	if (wr->set)
	{
		List	  **per = match_filters(target, wr->connect, column_names(tkey),
										psprintf("setting %s", wr->path));
		ValueSet   *keep;

		check_matches(wr->connect, per, target, rel->kind == RELORM_HAS_ONE);
		keep = matched_set(wr->connect, per, tkey, tkey);
		t = rows_of(rel, ovals);
		if (keep->n > 0)
		{
			t.keys = keep;
			t.not_keys = true;
		}
		run_update_rows(&t, NULL, null_fk, psprintf("unlinking rows at %s", wr->path),
						unlink_hint(rel, &rel->target));
		if (keep->n > 0)
		{
			require_values(owners, &rel->source_cols, 0, values, nulls);
			buf = sqlbuf_create();
			build_link_update(buf, target, keep,
							  repeat_set(&rel->source_cols, &rel->target_cols, values, nulls,
										 keep->n));
			run(buf, psprintf("linking rows at %s", wr->path), NULL);
		}
	}
	if (wr->disconnect_all || wr->disconnect != NIL)
	{
		t = rows_of(rel, ovals);
		t.filters = wr->disconnect;
		t.any_filter = !wr->disconnect_all;
		run_update_rows(&t, NULL, null_fk, psprintf("disconnecting %s", wr->path),
						unlink_hint(rel, &rel->target));
	}
	if (wr->delete_all || wr->delete != NIL)
	{
		t = rows_of(rel, ovals);
		t.filters = wr->delete;
		t.any_filter = !wr->delete_all;
		wr->affected += run_delete_rows(&t, psprintf("deleting rows at %s", wr->path));
	}
	foreach(lc, wr->update)
		wr->affected += update_rows(lfirst(lc), rel, owners);
	if (!wr->set && wr->connect != NIL)
	{
		List	  **per = match_filters(target, wr->connect, column_names(tkey),
										psprintf("adding rows at %s", wr->path));
		ValueSet   *keys;

		check_matches(wr->connect, per, target, false);
		keys = matched_set(wr->connect, per, tkey, tkey);
		require_values(owners, &rel->source_cols, 0, values, nulls);
		buf = sqlbuf_create();
		build_link_update(buf, target, keys,
						  repeat_set(&rel->source_cols, &rel->target_cols, values, nulls, keys->n));
		run(buf, psprintf("adding rows at %s", wr->path), NULL);
	}
	if (wr->upsert_update != NULL)
		create = update_rows(wr->upsert_update, rel, owners) == 0;
	if (create)
	{
		one_owner(owners, wr, "create");
		if (rel->kind == RELORM_HAS_ONE)
		{
			t = rows_of(rel, ovals);
			run_update_rows(&t, NULL, null_fk, psprintf("unlinking the row at %s", wr->path),
							unlink_hint(rel, &rel->target));
		}
		create_level(wr->create, owners, rel, true);
	}
}

/* update_junction: the operations of a many_to_many key of relorm_update. */
static void
update_junction(WriteRelation *wr, WriteLevel *owners)
{
	RelationInfo *rel = wr->rel;
	Oid			target = rel->target.relid;
	ValueSet   *ovals = owner_values_set(owners, rel, &rel->source_cols);
	ValueSet   *jowners = owner_values_set(owners, rel, &rel->junction_source_cols);
	List	   *tnames = column_names(&rel->target_cols);
	RowsTarget	t;
	ListCell   *lc;
	SqlBuf	   *buf;
	ExecResult *res;

	if (wr->set)
	{
		List	  **per;
		ValueSet   *keep;

		lock_owners(owners, rel);
		per = match_filters(target, wr->connect, tnames, psprintf("setting %s", wr->path));
		check_matches(wr->connect, per, target, false);
		keep = matched_set(wr->connect, per, &rel->target_cols, &rel->junction_target_cols);
		buf = sqlbuf_create();
		build_junction_delete(buf, rel, jowners, keep->n > 0 ? keep : NULL, true);
		run(buf, psprintf("unlinking rows at %s", wr->path), NULL);
		run_junction_insert(rel, cross_pairs(rel, ovals,
											 matched_set(wr->connect, per, &rel->target_cols,
														 &rel->target_cols)), wr->path);
	}
	if (wr->disconnect != NIL)
	{
		t = rows_of(rel, ovals);
		t.filters = wr->disconnect;
		t.any_filter = true;
		buf = sqlbuf_create();
		build_rows_select(buf, &t, tnames, false);
		res = run(buf, psprintf("disconnecting %s", wr->path), NULL);
		if (res->processed > 0)
		{
			buf = sqlbuf_create();
			build_junction_delete(buf, rel, jowners,
								  result_set(res, 1, &rel->target_cols, &rel->junction_target_cols),
								  false);
			run(buf, psprintf("disconnecting %s", wr->path), NULL);
		}
	}
	if (wr->delete_all || wr->delete != NIL)
	{
		const ColumnSet *tkey = require_key(&rel->target.key, &rel->target);
		List	   *names = add_names(column_names(&rel->target_cols), tkey);

		t = rows_of(rel, ovals);
		t.filters = wr->delete;
		t.any_filter = !wr->delete_all;
		buf = sqlbuf_create();
		build_rows_select(buf, &t, names, true);
		res = run(buf, psprintf("deleting rows at %s", wr->path), NULL);
		if (res->processed > 0)
		{
			ColumnSet	keycols;
			int			c;

			buf = sqlbuf_create();
			build_junction_delete(buf, rel, NULL,
								  result_set(res, 1, &rel->target_cols, &rel->junction_target_cols),
								  false);
			run(buf, psprintf("deleting rows at %s", wr->path), NULL);
			/* the key columns' positions among names */
			keycols = *tkey;
			memset(&t, 0, sizeof(t));
			t.relid = target;
			t.keys = valueset_new(res->processed);
			for (c = 0; c < tkey->ncols; c++)
			{
				int			pos = 1;
				ListCell   *nc;
				ValueColumn *vc = valueset_add(t.keys, tkey->names[c], tkey->types[c],
											   tkey->collations[c]);
				uint64		i;

				foreach(nc, names)
				{
					if (strcmp(lfirst(nc), tkey->names[c]) == 0)
						break;
					pos++;
				}
				for (i = 0; i < res->processed; i++)
					vc->values[i] = exec_result_value(res, i, pos, &vc->nulls[i]);
			}
			(void) keycols;
			wr->affected += run_delete_rows(&t, psprintf("deleting rows at %s", wr->path));
		}
	}
	foreach(lc, wr->update)
		wr->affected += update_rows(lfirst(lc), rel, owners);
	if (!wr->set && wr->connect != NIL)
	{
		List	  **per = match_filters(target, wr->connect, tnames,
										psprintf("adding rows at %s", wr->path));

		check_matches(wr->connect, per, target, false);
		run_junction_insert(rel, cross_pairs(rel, ovals,
											 matched_set(wr->connect, per, &rel->target_cols,
														 &rel->target_cols)), wr->path);
	}
	if (wr->create != NULL)
	{
		int		   *rows = palloc(sizeof(int) * Max(wr->create->nrows, 1));
		int			n = 0;
		int			i;

		create_level(wr->create, owners, rel, true);
		for (i = 0; i < wr->create->nrows; i++)
			if (!wr->create->skipped[i])
				rows[n++] = i;
		run_junction_insert(rel, cross_pairs(rel, ovals,
											 level_set(wr->create, &rel->target_cols, rows, n,
													   &rel->target_cols)), wr->path);
	}
}

/*
 * update_rows: the rows of u (of the owners' related rows through rel,
 * when rel is given) updated, then their relation keys; returns how many
 * rows matched.
 */
static uint64
update_rows(WriteUpdate *u, RelationInfo *rel, WriteLevel *owners)
{
	Oid			relid = u->table->relid;
	RowsTarget	t;
	List	   *names = NIL;
	bool		has_columns = false;
	ListCell   *lc;
	SqlBuf	   *buf = sqlbuf_create();
	ExecResult *res;
	WriteLevel *matched;

	check_stack_depth();
	memset(&t, 0, sizeof(t));
	t.relid = relid;
	t.where_table = u->table;
	t.where = u->where;
	if (rel != NULL)
	{
		t.rel = rel;
		t.owners = owner_values_set(owners, rel, &rel->source_cols);
	}
	foreach(lc, u->values->columns)
		has_columns |= ((WriteColumn *) lfirst(lc))->given[0];
	if (u->relations != NIL)
	{
		names = add_names(names, &u->values->key);
		foreach(lc, u->relations)
		{
			RelationInfo *r = ((WriteRelation *) lfirst(lc))->rel;

			names = add_names(names, &r->source_cols);
			if (r->owner_key)
				names = add_names(names, r->owner_key);
		}
	}
	if (has_columns)
		build_rows_update(buf, &t, u->values, NIL, names);
	else
		build_rows_select(buf, &t, names, false);
	res = run(buf, psprintf("updating rows of table \"%s\" at %s", u->values->name, u->path),
			  psprintf("The update at %s breaks a constraint of table \"%s\".", u->path,
					   u->values->name));
	if (u->relations == NIL || res->processed == 0)
		return res->processed;
	matched = level_from_result(relid, u->path, res, names);
	foreach(lc, u->relations)
	{
		WriteRelation *wr = lfirst(lc);

		if (u->one_record && matched->nrows > 1 && wr->rel->kind != RELORM_BELONGS_TO &&
			wr->rel->kind != RELORM_MANY_TO_MANY &&
			(wr->create != NULL || wr->set || wr->connect != NIL))
			one_owner(matched, wr, wr->set ? "set" : wr->create ? "create" : "add");
	}
	foreach(lc, u->relations)
	{
		WriteRelation *wr = lfirst(lc);

		switch (wr->rel->kind)
		{
			case RELORM_BELONGS_TO:
				update_belongs_to(wr, matched);
				break;
			case RELORM_HAS_ONE:
			case RELORM_HAS_MANY:
				update_direct(wr, matched);
				break;
			case RELORM_MANY_TO_MANY:
				update_junction(wr, matched);
				break;
			case RELORM_HAS_MANY_THROUGH:
			case RELORM_HAS_ONE_THROUGH:
				/* parse_write refuses writes through them */
				elog(ERROR, "unexpected write through relation \"%s\"", wr->rel->name);
				break;
		}
	}
	return res->processed;
}

/* ---- deleting ---- */

/*
 * delete_rows deletes the rows of t, first following the relations of the
 * table registered with cascade "remove" (children deleted, recursively;
 * many_to_many junction rows and targets deleted); returns how many rows
 * of the table were deleted.
 */
static uint64
delete_rows(Oid relid, RowsTarget *t, int depth)
{
	List	   *cascades = NIL;
	ListCell   *lc;
	ColumnSet	key;
	List	   *names;
	SqlBuf	   *buf;
	ExecResult *res;
	WriteLevel *owners;
	RowsTarget	own;
	char	   *what = psprintf("deleting rows of table \"%s\"", get_rel_name(relid));

	check_stack_depth();
	foreach(lc, relorm_relations_of(relid))
	{
		RelationInfo *rel = relorm_lookup_relation(relid, lfirst(lc));

		if (rel->options.cascade_remove && rel->kind != RELORM_BELONGS_TO)
			cascades = lappend(cascades, rel);
	}
	if (cascades == NIL)
		return run_delete_rows(t, what);
	if (depth > MAX_CASCADE_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("cascade of deletes is deeper than %d levels", MAX_CASCADE_DEPTH),
				 errhint("Rows of table \"%s\" may reference each other in a cycle.",
						 get_rel_name(relid))));
	if (!table_primary_key(relid, &key))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s\" has no primary key to cascade deletes from",
						get_rel_name(relid))));
	names = column_names(&key);
	foreach(lc, cascades)
		names = add_names(names, &((RelationInfo *) lfirst(lc))->source_cols);
	buf = sqlbuf_create();
	build_rows_select(buf, t, names, true);
	res = run(buf, what, NULL);
	if (res->processed == 0)
		return 0;
	owners = level_from_result(relid, "$", res, names);
	foreach(lc, cascades)
	{
		RelationInfo *rel = lfirst(lc);
		ValueSet   *ovals = owner_values_set(owners, rel, &rel->source_cols);
		RowsTarget	ct = rows_of(rel, ovals);

		if (rel->kind != RELORM_MANY_TO_MANY)
			delete_rows(rel->target.relid, &ct, depth + 1);
		else
		{
			const ColumnSet *tkey = require_key(&rel->target.key, &rel->target);
			ExecResult *tres;

			buf = sqlbuf_create();
			build_rows_select(buf, &ct, column_names(&rel->target_cols), true);
			tres = run(buf, what, NULL);
			buf = sqlbuf_create();
			build_junction_delete(buf, rel,
								  owner_values_set(owners, rel, &rel->junction_source_cols),
								  NULL, false);
			run(buf, what, NULL);
			if (tres->processed > 0)
			{
				RowsTarget	tt;
				ValueSet   *tvals = result_set(tres, 1, &rel->target_cols, &rel->junction_target_cols);

				buf = sqlbuf_create();
				build_junction_delete(buf, rel, NULL, tvals, false);
				run(buf, what, NULL);
				memset(&tt, 0, sizeof(tt));
				tt.relid = rel->target.relid;
				tt.keys = result_set(tres, 1, &rel->target_cols, &rel->target_cols);
				(void) tkey;
				delete_rows(rel->target.relid, &tt, depth + 1);
			}
		}
	}
	memset(&own, 0, sizeof(own));
	own.relid = relid;
	own.keys = level_set(owners, &key, all_rows(owners->nrows), owners->nrows, &key);
	return run_delete_rows(&own, what);
}

/* ---- SQL-callable functions ---- */

/* arg_data: a non-null jsonb argument. */
static Jsonb *
arg_data(FunctionCallInfo fcinfo, int argno, const char *what)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", what)));
	return PG_GETARG_JSONB_P(argno);
}

/*
 * relorm_create(source, data): create the row(s) data gives, with nested
 * writes; returns the row (or an array of rows, in input order) as json.
 */
Datum
relorm_create(PG_FUNCTION_ARGS)
{
	Oid			relid = arg_source(fcinfo, 0);
	Jsonb	   *data = arg_data(fcinfo, 1, "data");
	bool		is_array;
	WriteLevel *level = parse_create(relid, data, &is_array);
	Datum		result;

	create_level(level, NULL, NULL, false);
	result = level_json(level, is_array);
	if (result == (Datum) 0)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/*
 * relorm_update(source, where, data): update the rows where matches (NULL:
 * all) with data's columns and relation operations; returns how many
 * rows matched.
 */
Datum
relorm_update(PG_FUNCTION_ARGS)
{
	Oid			relid = arg_source(fcinfo, 0);
	Jsonb	   *where = PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1);
	Jsonb	   *data = arg_data(fcinfo, 2, "data");
	WriteUpdate *u = parse_update(relid, where, data);

	PG_RETURN_INT64((int64) update_rows(u, NULL, NULL));
}

/*
 * relorm_delete(source, where): delete the rows where matches, following
 * cascade "remove" relations first; returns how many rows of source.
 */
Datum
relorm_delete(PG_FUNCTION_ARGS)
{
	Oid			relid = arg_source(fcinfo, 0);
	Jsonb	   *where = PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1);
	RowsTarget	t;

	memset(&t, 0, sizeof(t));
	t.relid = relid;
	if (where != NULL)
	{
		t.where_table = parse_table(relid);
		t.where = parse_write_filter(t.where_table, where, "$");
	}
	PG_RETURN_INT64((int64) delete_rows(relid, &t, 0));
}

/* owner_filter: {"col": value, ...} naming the owner row by its key. */
static Jsonb *
owner_filter(const KeyList *owner)
{
	const ColumnSet *cols = owner->columns;
	JsonbParseState *state = NULL;
	int			c;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (c = 0; c < cols->ncols; c++)
	{
		JsonbValue	k;
		JsonbValue	v;
		Oid			outfunc;
		bool		isvarlena;
		char	   *text;

		k.type = jbvString;
		k.val.string.val = cols->names[c];
		k.val.string.len = strlen(cols->names[c]);
		pushJsonbValue(&state, WJB_KEY, &k);
		getTypeOutputInfo(cols->types[c], &outfunc, &isvarlena);
		text = OidOutputFunctionCall(outfunc, owner->values[c][0]);
		v.type = jbvString;
		v.val.string.val = text;
		v.val.string.len = strlen(text);
		pushJsonbValue(&state, WJB_VALUE, &v);
	}
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/*
 * related_write: the *_related forms: the owner (argument 2) and one
 * operation on its relation; returns the relation's node after running.
 */
static WriteRelation *
related_write(FunctionCallInfo fcinfo, RelationInfo *rel, char op, Jsonb *where, Jsonb *data,
			  bool *is_array)
{
	KeyList    *owner = keys_from_argument(fcinfo, 2, require_key(rel->owner_key, &rel->source),
										   "owner", true);
	WriteUpdate *u = parse_related_write(rel, owner_filter(owner), op, where, data, is_array);
	WriteRelation *wr = linitial(u->relations);

	if (op == 'c' && rel->kind == RELORM_HAS_ONE && wr->create->nrows > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("malformed data at $: has_one relation \"%s\" takes one row to create",
						rel->name)));
	if (update_rows(u, NULL, NULL) == 0)
		no_row(&rel->source, owner, 0);
	return wr;
}

/*
 * relorm_create_related(source, relation, owner, data): create rows linked
 * to the owner; returns them as json.
 */
Datum
relorm_create_related(PG_FUNCTION_ARGS)
{
	RelationInfo *rel = open_relation(fcinfo, 0);
	Jsonb	   *data = arg_data(fcinfo, 3, "data");
	bool		is_array;
	WriteRelation *wr;
	Datum		result;

	if (rel->through != NULL)
		wrong_kind(rel, "relorm_create_related", "");

	if (rel->kind == RELORM_BELONGS_TO)
		wrong_kind(rel, "relorm_create_related",
				   "Create the target with relorm_create and point the owner at it with relorm_set, or use relorm_update with {\"relation\": {\"create\": {..}}}.");
	wr = related_write(fcinfo, rel, 'c', NULL, data, &is_array);
	result = level_json(wr->create, is_array);
	if (result == (Datum) 0)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/*
 * relorm_update_related(source, relation, owner, where, data): update the
 * owner's related rows that where matches; returns how many.
 */
Datum
relorm_update_related(PG_FUNCTION_ARGS)
{
	RelationInfo *rel = open_relation(fcinfo, 0);
	Jsonb	   *where = PG_ARGISNULL(3) ? NULL : PG_GETARG_JSONB_P(3);
	Jsonb	   *data = arg_data(fcinfo, 4, "data");
	bool		is_array;

	if (rel->through != NULL)
		wrong_kind(rel, "relorm_update_related", "");

	PG_RETURN_INT64((int64) related_write(fcinfo, rel, 'u', where, data, &is_array)->affected);
}

/*
 * relorm_delete_related(source, relation, owner, where): delete the
 * owner's related rows that where matches (many_to_many: the targets and
 * their junction rows); returns how many.
 */
Datum
relorm_delete_related(PG_FUNCTION_ARGS)
{
	RelationInfo *rel = open_relation(fcinfo, 0);
	Jsonb	   *where = PG_ARGISNULL(3) ? NULL : PG_GETARG_JSONB_P(3);
	bool		is_array;

	if (rel->through != NULL)
		wrong_kind(rel, "relorm_delete_related", "");

	if (rel->kind == RELORM_BELONGS_TO)
		wrong_kind(rel, "relorm_delete_related",
				   "Delete the target with relorm_delete, or use relorm_update with {\"relation\": {\"delete\": true}}.");
	PG_RETURN_INT64((int64) related_write(fcinfo, rel, 'd', where, NULL, &is_array)->affected);
}

/* ---- relorm_save ---- */

/* existing_rows: which rows of a level give a key naming an existing row. */
static void
existing_rows(WriteLevel *level, bool *haskey, bool *exists)
{
	int		   *keyed = palloc(sizeof(int) * Max(level->nrows, 1));
	int			n = 0;
	int			i;
	Datum		values[RELORM_MAX_KEY_COLUMNS];
	bool		nulls[RELORM_MAX_KEY_COLUMNS];
	SqlBuf	   *buf;
	ExecResult *res;
	uint64		r;

	for (i = 0; i < level->nrows; i++)
	{
		int			c;

		haskey[i] = row_values(level, &level->key, i, values, nulls);
		for (c = 0; haskey[i] && c < level->key.ncols; c++)
			haskey[i] = !nulls[c];
		if (haskey[i])
			keyed[n++] = i;
	}
	if (n == 0)
		return;
	buf = sqlbuf_create();
	build_existing(buf, level->relid, level_set(level, &level->key, keyed, n, &level->key));
	res = run(buf, psprintf("finding the rows of table \"%s\" at %s", level->name, level->path),
			  NULL);
	for (r = 0; r < res->processed; r++)
	{
		bool		isnull;

		exists[keyed[DatumGetInt64(exec_result_value(res, r, 1, &isnull)) - 1]] = true;
	}
}

/*
 * fill_columns reads, for the rows of a level that name an existing row
 * (exists) but do not give all of cols, those columns from the row: a
 * relation that references other columns than the key (SPEC §1) links an
 * entity given by its key alone.  One statement for the level.
 */
static void
fill_columns(WriteLevel *level, const ColumnSet *cols, const bool *exists)
{
	int		   *rows = palloc(sizeof(int) * Max(level->nrows, 1));
	Datum		values[RELORM_MAX_KEY_COLUMNS];
	bool		nulls[RELORM_MAX_KEY_COLUMNS];
	int			n = 0;
	int			i;
	SqlBuf	   *buf;
	ExecResult *res;
	uint64		r;

	for (i = 0; i < level->nrows; i++)
		if (exists[i] && !row_values(level, cols, i, values, nulls))
			rows[n++] = i;
	if (n == 0)
		return;
	buf = sqlbuf_create();
	build_existing_columns(buf, level->relid, level_set(level, &level->key, rows, n, &level->key),
						   cols);
	res = run(buf, psprintf("reading rows of table \"%s\" at %s", level->name, level->path),
			  NULL);
	for (r = 0; r < res->processed; r++)
	{
		bool		isnull;
		int			row = rows[DatumGetInt64(exec_result_value(res, r, 1, &isnull)) - 1];
		int			c;

		for (c = 0; c < cols->ncols; c++)
		{
			Datum		d = exec_result_value(res, r, c + 2, &isnull);

			set_value(level, cols->names[c], row, d, isnull);
		}
	}
}

/*
 * save_cascade applies a nested level's cascade rules (SPEC §6 relorm_save):
 * an existing row's fields are written only with cascade "update"; a row
 * to insert needs cascade "insert" (P0002 when its key names no row,
 * 22023 when it has no key).
 */
static void
save_cascade(WriteLevel *level, RelationInfo *rel, const bool *haskey, const bool *exists)
{
	int			i;

	for (i = 0; i < level->nrows; i++)
	{
		if (exists[i])
		{
			ListCell   *lc;

			if (rel->options.cascade_update)
				continue;
			foreach(lc, level->columns)
			{
				WriteColumn *col = lfirst(lc);
				int			c;
				bool		iskey = false;

				for (c = 0; c < level->key.ncols; c++)
					iskey |= strcmp(level->key.names[c], col->name) == 0;
				if (!iskey)
					col->given[i] = false;
			}
		}
		else if (rel->options.cascade_insert)
			continue;
		else if (haskey[i])
			ereport(ERROR,
					(errcode(ERRCODE_NO_DATA_FOUND),
					 errmsg("the key at %s names no row of table \"%s\"", level->row_paths[i],
							level->name),
					 errhint("Relation \"%s\" inserts rows only with \"cascade\": [\"insert\"].",
							 rel->name)));
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("malformed data at %s: a new row of table \"%s\" without cascade insert",
							level->row_paths[i], level->name),
					 errhint("Register relation \"%s\" with \"cascade\": [\"insert\"], or give the key of an existing row.",
							 rel->name)));
	}
}

/*
 * save_replace: a to-many (or has_one) key replaces the owner's set: rows
 * not given are unlinked (deleted with cascade "remove"; many_to_many:
 * their junction rows deleted); the given ones are linked.
 */
static void
save_replace(WriteLevel *owner, SaveRelation *sr)
{
	RelationInfo *rel = sr->rel;
	WriteLevel *rows = sr->rows;
	int		   *present = palloc(sizeof(int) * Max(list_length(sr->present), 1));
	int			np = 0;
	ListCell   *lc;
	ValueSet   *owners;
	int			i;

	foreach(lc, sr->present)
		present[np++] = lfirst_int(lc);
	if (np == 0)
		return;
	if (rel->kind == RELORM_MANY_TO_MANY)
	{
		SetBuilder *pairs = builder_new(&rel->source_cols, &rel->junction_source_cols,
										&rel->target_cols, &rel->junction_target_cols);
		Datum		ovals[RELORM_MAX_KEY_COLUMNS];
		bool		onulls[RELORM_MAX_KEY_COLUMNS];
		Datum		tvals[RELORM_MAX_KEY_COLUMNS];
		bool		tnulls[RELORM_MAX_KEY_COLUMNS];
		SqlBuf	   *buf;

		for (i = 0; i < rows->nrows; i++)
		{
			require_values(owner, &rel->source_cols, rows->parent[i], ovals, onulls);
			require_values(rows, &rel->target_cols, i, tvals, tnulls);
			builder_push(pairs, ovals, onulls, rel->source_cols.ncols, tvals, tnulls);
		}
		run_junction_insert(rel, pairs->set, rows->path);
		if (rel->options.cascade_remove)
		{
			/* the targets no longer listed are deleted, junction rows first */
			RowsTarget	t = rows_of(rel, level_set(owner, &rel->source_cols, present, np,
												   &rel->source_cols));
			ExecResult *res;

			if (rows->nrows > 0)
			{
				t.keys = level_set(rows, &rel->target_cols, all_rows(rows->nrows), rows->nrows,
								   &rel->target_cols);
				t.not_keys = true;
			}
			buf = sqlbuf_create();
			build_rows_select(buf, &t, column_names(&rel->target_cols), true);
			res = run(buf, psprintf("deleting rows at %s", rows->path), NULL);
			if (res->processed > 0)
			{
				RowsTarget	dt;

				buf = sqlbuf_create();
				build_junction_delete(buf, rel, NULL,
									  result_set(res, 1, &rel->target_cols,
												 &rel->junction_target_cols), false);
				run(buf, psprintf("deleting rows at %s", rows->path), NULL);
				memset(&dt, 0, sizeof(dt));
				dt.relid = rel->target.relid;
				dt.keys = result_set(res, 1, &rel->target_cols, &rel->target_cols);
				delete_rows(rel->target.relid, &dt, 1);
			}
		}
		owners = level_set(owner, &rel->source_cols, present, np, &rel->junction_source_cols);
		buf = sqlbuf_create();
		build_junction_delete(buf, rel, owners, pairs->set->n > 0 ? pairs->set : NULL, true);
		run(buf, psprintf("unlinking rows at %s", rows->path), NULL);
	}
	else
	{
		const ColumnSet *tkey = require_key(&rel->target.key, &rel->target);
		RowsTarget	t;
		ValueSet   *keep = level_set(rows, tkey, all_rows(rows->nrows), rows->nrows, tkey);

		owners = level_set(owner, &rel->source_cols, present, np, &rel->source_cols);
		t = rows_of(rel, owners);
		if (keep->n > 0)
		{
			t.keys = keep;
			t.not_keys = true;
		}
		if (rel->options.cascade_remove)
			run_delete_rows(&t, psprintf("deleting rows at %s", rows->path));
		else
			run_update_rows(&t, NULL, column_names(&rel->target_cols),
							psprintf("unlinking rows at %s", rows->path),
							unlink_hint(rel, &rel->target));
	}
}

/*
 * save_level: relorm_save of a level of entities (nested under owner's
 * rows through via): belongs_to entities first, then the rows inserted
 * (keys generated) or updated by key, then the other relations' entities
 * and the replacement of their sets.
 */
static void
save_level(WriteLevel *level, WriteLevel *owner, SaveRelation *via)
{
	RelationInfo *rel = via ? via->rel : NULL;
	bool	   *haskey = palloc0(sizeof(bool) * Max(level->nrows, 1));
	bool	   *exists = palloc0(sizeof(bool) * Max(level->nrows, 1));
	int		   *rows = palloc(sizeof(int) * Max(level->nrows, 1));
	Datum		values[RELORM_MAX_KEY_COLUMNS];
	bool		nulls[RELORM_MAX_KEY_COLUMNS];
	ListCell   *lc;
	int			n = 0;
	int			i;
	int			c;

	check_stack_depth();
	if (level->key.ncols == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("relorm_save needs a primary key of table \"%s\"", level->name)));
	if (level->nrows == 0)
		return;
	existing_rows(level, haskey, exists);
	if (rel != NULL)
		save_cascade(level, rel, haskey, exists);

	foreach(lc, level->saves)
	{
		SaveRelation *sr = lfirst(lc);
		ListCell   *cc;

		if (sr->rel->kind != RELORM_BELONGS_TO)
			continue;
		save_level(sr->rows, level, sr);
		for (i = 0; i < sr->rows->nrows; i++)
		{
			require_values(sr->rows, &sr->rel->target_cols, i, values, nulls);
			point_row(level, sr->rel, sr->rows->parent[i], values, nulls);
		}
		foreach(cc, sr->cleared)
		{
			for (c = 0; c < sr->rel->source_cols.ncols; c++)
				nulls[c] = true;
			point_row(level, sr->rel, lfirst_int(cc), values, nulls);
		}
	}
	if (rel != NULL && (rel->kind == RELORM_HAS_ONE || rel->kind == RELORM_HAS_MANY))
		for (i = 0; i < level->nrows; i++)
		{
			require_values(owner, &rel->source_cols, level->parent[i], values, nulls);
			for (c = 0; c < rel->target_cols.ncols; c++)
				set_value(level, rel->target_cols.names[c], i, values[c], nulls[c]);
		}

	for (i = 0; i < level->nrows; i++)
		level->skipped[i] = exists[i];
	create_level(level, NULL, NULL, false);
	for (i = 0; i < level->nrows; i++)
	{
		level->skipped[i] = false;
		if (exists[i])
			rows[n++] = i;
	}
	if (n > 0)
	{
		SqlBuf	   *buf = sqlbuf_create();

		if (build_update_values(buf, level, rows, n))
			run(buf, psprintf("updating rows of table \"%s\" at %s", level->name, level->path),
				psprintf("The rows at %s break a constraint of table \"%s\".", level->path,
						 level->name));
	}

	/*
	 * the columns the relations use of rows given by key alone: the owner's
	 * referenced columns for its to-many and has_one relations, and this
	 * level's referenced columns when it is a belongs_to or many_to_many
	 * target of the level above
	 */
	if (rel != NULL && (rel->kind == RELORM_BELONGS_TO || rel->kind == RELORM_MANY_TO_MANY))
		fill_columns(level, &rel->target_cols, exists);
	foreach(lc, level->saves)
	{
		SaveRelation *sr = lfirst(lc);

		if (sr->rel->kind != RELORM_BELONGS_TO)
			fill_columns(level, &sr->rel->source_cols, exists);
	}

	foreach(lc, level->saves)
	{
		SaveRelation *sr = lfirst(lc);

		if (sr->rel->kind == RELORM_BELONGS_TO)
			continue;
		save_level(sr->rows, level, sr);
		save_replace(level, sr);
	}
}

/* append_jsonb_value: a jsonb value as JSON text. */
static void
append_jsonb_value(StringInfo out, JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			appendStringInfoString(out, "null");
			break;
		case jbvString:
			escape_json(out, pnstrdup(v->val.string.val, v->val.string.len));
			break;
		case jbvBinary:
			appendStringInfoString(out, JsonbToCString(NULL, v->val.binary.data,
													   v->val.binary.len));
			break;
		default:
			appendStringInfoString(out, keys_jsonb_text(v));
			break;
	}
}

/* append_datum: a column value as JSON text (numbers and booleans bare). */
static void
append_datum(StringInfo out, Oid type, Datum value, bool isnull)
{
	Oid			outfunc;
	bool		isvarlena;
	char		category;
	bool		preferred;
	char	   *text;

	if (isnull)
	{
		appendStringInfoString(out, "null");
		return;
	}
	getTypeOutputInfo(type, &outfunc, &isvarlena);
	text = OidOutputFunctionCall(outfunc, value);
	get_type_category_preferred(getBaseType(type), &category, &preferred);
	if ((category == TYPCATEGORY_NUMERIC && strspn(text, "0123456789.-+eE") == strlen(text)) ||
		category == TYPCATEGORY_BOOLEAN)
		appendStringInfoString(out, category == TYPCATEGORY_BOOLEAN
							   ? (strcmp(text, "t") == 0 ? "true" : "false") : text);
	else
		escape_json(out, text);
}

/*
 * save_json: an entity as saved: its fields as given, its key (generated
 * or given) and foreign keys filled in, relation keys holding the nested
 * entities as saved.
 */
static void
save_json(StringInfo out, WriteLevel *level, int row)
{
	JsonbIterator *it = JsonbIteratorInit(level->objects[row]);
	JsonbValue	k;
	JsonbValue	v;
	JsonbIteratorToken tok;
	bool		first = true;
	AttrNumber	last_attnum = 0;
	ListCell   *lc;

	appendStringInfoChar(out, '{');
	/*
	 * the columns known for the row (given, generated, filled in), in the
	 * table's column order, compact as row_to_json writes them (jsonb data
	 * keeps no key order of its own to follow)
	 */
	for (;;)
	{
		WriteColumn *next = NULL;

		foreach(lc, level->columns)
		{
			WriteColumn *col = lfirst(lc);

			if (col->given[row] && (first || col->attnum > last_attnum) &&
				(next == NULL || col->attnum < next->attnum))
				next = col;
		}
		if (next == NULL)
			break;
		if (!first)
			appendStringInfoChar(out, ',');
		first = false;
		last_attnum = next->attnum;
		escape_json(out, next->name);
		appendStringInfoChar(out, ':');
		append_datum(out, next->type, next->values[row], next->nulls[row]);
	}
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		char	   *key;
		SaveRelation *sr = NULL;

		if (tok != WJB_KEY)
			continue;
		key = pnstrdup(k.val.string.val, k.val.string.len);
		JsonbIteratorNext(&it, &v, true);
		foreach(lc, level->saves)
			if (strcmp(((SaveRelation *) lfirst(lc))->key, key) == 0)
				sr = lfirst(lc);
		if (sr == NULL)
		{
			WriteColumn *col = write_level_column(level, key, false);

			if (col != NULL && col->given[row])
				continue;		/* printed above */
		}
		if (!first)
			appendStringInfoChar(out, ',');
		first = false;
		escape_json(out, key);
		appendStringInfoChar(out, ':');
		if (sr == NULL || v.type == jbvNull)
			append_jsonb_value(out, &v);
		else
		{
			bool		list = v.type == jbvBinary && JsonContainerIsArray(v.val.binary.data);
			bool		any = false;
			int			i;

			if (list)
				appendStringInfoChar(out, '[');
			for (i = 0; i < sr->rows->nrows; i++)
				if (sr->rows->parent[i] == row)
				{
					if (any)
						appendStringInfoChar(out, ',');
					any = true;
					save_json(out, sr->rows, i);
				}
			if (list)
				appendStringInfoChar(out, ']');
		}
	}
	appendStringInfoChar(out, '}');
}

/*
 * relorm_save(source, entity): TypeORM's save: insert or update by primary
 * key, following the entity's relation keys (SPEC §6); returns the entity
 * as saved, generated keys filled in at every depth.
 */
Datum
relorm_save(PG_FUNCTION_ARGS)
{
	Oid			relid = arg_source(fcinfo, 0);
	Jsonb	   *entity = arg_data(fcinfo, 1, "entity");
	bool		is_array;
	WriteLevel *level = parse_save(relid, entity, &is_array);
	StringInfoData out;
	int			i;

	save_level(level, NULL, NULL);
	initStringInfo(&out);
	if (is_array)
		appendStringInfoChar(&out, '[');
	for (i = 0; i < level->nrows; i++)
	{
		if (i > 0)
			appendStringInfoString(&out, ", ");
		save_json(&out, level, i);
	}
	if (is_array)
		appendStringInfoChar(&out, ']');
	PG_RETURN_TEXT_P(cstring_to_text(out.data));
}
