/*-------------------------------------------------------------------------
 *
 * parse_write.c
 *	  The write parser: the data of SPEC §6 turned into write nodes
 *	  (parse_write.h).  Every name is resolved here (a column, else a
 *	  relation, else 42703), every value read by its column type's input
 *	  function (a bad value is the type's own error, with the path in its
 *	  context), every filter parsed by parse_query.c, and every shape error
 *	  raised here: 22023 with the path ($.books.create[1].title), 42809 for
 *	  an operation the relation's kind (or the function) does not have.
 *	  Executing the tree (write_ops.c) cannot fail on the shape of data.
 *
 * Rows are gathered per nested position: all books created under all
 * authors of one call are ONE WriteLevel, each row remembering the index
 * of its author row, so the statements depend on the shape of data only.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "catalog.h"
#include "metadata.h"
#include "parse_write.h"

/* The operations of SPEC §6, for messages and dispatch. */
typedef enum WriteOp
{
	OP_CREATE,
	OP_CONNECT,
	OP_CONNECT_OR_CREATE,
	OP_UPDATE,
	OP_UPSERT,
	OP_SET,
	OP_ADD,
	OP_DISCONNECT,
	OP_DELETE,
	OP_UNKNOWN
} WriteOp;

static void parse_row(WriteLevel *level, int parent, JsonbContainer *object,
					  const char *path, int depth);
static void parse_update_data(WriteUpdate *u, JsonbContainer *data, const char *path,
							  int depth);

/* ---- small helpers ---- */

/* malformed_data raises 22023 with the path into data. */
static void
malformed_data(const char *path, const char *message)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("malformed data at %s: %s", path, message)));
}

/* list_path: "$.books.create" of a row path without its indexes: "[*]". */
static char *
list_path(const char *path)
{
	StringInfoData s;
	const char *p;

	initStringInfo(&s);
	for (p = path; *p; p++)
	{
		if (*p == '[' && isdigit((unsigned char) p[1]))
		{
			appendStringInfoString(&s, "[*]");
			while (*p && *p != ']')
				p++;
			continue;
		}
		appendStringInfoChar(&s, *p);
	}
	return s.data;
}

/* op_of: the operation a key of a relation's object names. */
static WriteOp
op_of(const char *key)
{
	static const char *const names[] = {"create", "connect", "connect_or_create", "update",
	"upsert", "set", "add", "disconnect", "delete", NULL};
	int			i;

	for (i = 0; names[i]; i++)
		if (strcmp(key, names[i]) == 0)
			return (WriteOp) i;
	return OP_UNKNOWN;
}

/*
 * not_for_kind raises 42809: an operation that exists, but not for this
 * relation kind or in this function.
 */
static void
not_for_kind(RelationInfo *rel, const char *op, const char *path, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_WRONG_OBJECT_TYPE),
			 errmsg("operation \"%s\" is not valid for %s relation \"%s\" at %s",
					op, relation_kind_name(rel->kind), rel->name, path),
			 errhint("%s", hint)));
}

/*
 * write_relation: the relation `name` of relid named in data, or NULL;
 * a through relation is read-only (SPEC §2): 42809 at path.
 */
static RelationInfo *
write_relation(Oid relid, const char *name, const char *path)
{
	RelationInfo *rel = relorm_find_relation(relid, name);

	if (rel != NULL && rel->through != NULL)
		not_for_kind(rel, "write", path,
					 psprintf("A through relation is read-only: nest the writes through its relations \"%s\" and \"%s\".",
							  rel->through->name, rel->via->name));
	return rel;
}

/* ---- levels ---- */

/* write_level_new: an empty level of rows of a table. */
WriteLevel *
write_level_new(Oid relid, const char *path)
{
	WriteLevel *level = palloc0(sizeof(WriteLevel));

	level->relid = relid;
	level->name = get_rel_name(relid);
	level->qualified = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
												  level->name);
	if (!table_primary_key(relid, &level->key))
		level->key.ncols = 0;
	level->path = list_path(path);
	return level;
}

/* grow: make room for one more row in every array of a level. */
static void
grow(WriteLevel *level)
{
	ListCell   *lc;
	int			old = level->capacity;

	if (level->nrows < level->capacity)
		return;
	level->capacity = old ? old * 2 : 8;
	if (old == 0)
	{
		level->row_paths = palloc(sizeof(char *) * level->capacity);
		level->parent = palloc(sizeof(int) * level->capacity);
		level->skipped = palloc0(sizeof(bool) * level->capacity);
		level->same_as = palloc(sizeof(int) * level->capacity);
		level->objects = palloc0(sizeof(JsonbContainer *) * level->capacity);
	}
	else
	{
		level->row_paths = repalloc(level->row_paths, sizeof(char *) * level->capacity);
		level->parent = repalloc(level->parent, sizeof(int) * level->capacity);
		level->skipped = repalloc(level->skipped, sizeof(bool) * level->capacity);
		level->same_as = repalloc(level->same_as, sizeof(int) * level->capacity);
		level->objects = repalloc(level->objects, sizeof(JsonbContainer *) * level->capacity);
	}
	foreach(lc, level->columns)
	{
		WriteColumn *col = lfirst(lc);

		col->values = repalloc(col->values, sizeof(Datum) * level->capacity);
		col->nulls = repalloc(col->nulls, sizeof(bool) * level->capacity);
		col->given = repalloc(col->given, sizeof(bool) * level->capacity);
	}
}

/* write_level_add_row: a new row (no column given yet); returns its index. */
int
write_level_add_row(WriteLevel *level, int parent, const char *row_path)
{
	int			row;
	ListCell   *lc;

	grow(level);
	row = level->nrows++;
	level->row_paths[row] = pstrdup(row_path);
	level->parent[row] = parent;
	level->skipped[row] = false;
	level->same_as[row] = -1;
	level->objects[row] = NULL;
	foreach(lc, level->columns)
	{
		WriteColumn *col = lfirst(lc);

		col->values[row] = (Datum) 0;
		col->nulls[row] = true;
		col->given[row] = false;
	}
	return row;
}

/*
 * write_level_column: the column `name` of a level (added, with no row
 * giving it, when `add`), or NULL if it is not a column of the table.
 */
WriteColumn *
write_level_column(WriteLevel *level, const char *name, bool add)
{
	ListCell   *lc;
	WriteColumn *col;
	AttrNumber	attnum;
	Oid			collation;
	HeapTuple	tup;
	int			cap = Max(level->capacity, 1);
	int			i;

	foreach(lc, level->columns)
	{
		col = lfirst(lc);
		if (strcmp(col->name, name) == 0)
			return col;
	}
	attnum = get_attnum(level->relid, name);
	if (attnum <= 0 || !add)
		return NULL;
	col = palloc0(sizeof(WriteColumn));
	col->name = pstrdup(name);
	col->attnum = attnum;
	get_atttypetypmodcoll(level->relid, attnum, &col->type, &col->typmod, &collation);
	tup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(level->relid), Int16GetDatum(attnum));
	if (HeapTupleIsValid(tup))
	{
		col->identity_always =
			((Form_pg_attribute) GETSTRUCT(tup))->attidentity == ATTRIBUTE_IDENTITY_ALWAYS;
		ReleaseSysCache(tup);
	}
	col->values = palloc(sizeof(Datum) * cap);
	col->nulls = palloc(sizeof(bool) * cap);
	col->given = palloc(sizeof(bool) * cap);
	for (i = 0; i < level->nrows; i++)
	{
		col->values[i] = (Datum) 0;
		col->nulls[i] = true;
		col->given[i] = false;
	}
	level->columns = lappend(level->columns, col);
	return col;
}

/*
 * array_literal: a jsonb array as the text of a PostgreSQL array value
 * ({"a","b"}, nested for several dimensions, NULL for null), for a column
 * of an array type.
 */
static void
array_literal(StringInfo out, JsonbContainer *array)
{
	JsonbIterator *it = JsonbIteratorInit(array);
	JsonbValue	e;
	JsonbIteratorToken tok;
	bool		first = true;

	appendStringInfoChar(out, '{');
	while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
	{
		char	   *text;
		char	   *p;

		if (tok != WJB_ELEM)
			continue;
		if (!first)
			appendStringInfoChar(out, ',');
		first = false;
		if (e.type == jbvNull)
		{
			appendStringInfoString(out, "NULL");
			continue;
		}
		if (e.type == jbvBinary && JsonContainerIsArray(e.val.binary.data))
		{
			array_literal(out, e.val.binary.data);
			continue;
		}
		text = keys_jsonb_text(&e);
		appendStringInfoChar(out, '"');
		for (p = text; *p; p++)
		{
			if (*p == '"' || *p == '\\')
				appendStringInfoChar(out, '\\');
			appendStringInfoChar(out, *p);
		}
		appendStringInfoChar(out, '"');
	}
	appendStringInfoChar(out, '}');
}

/* ValuePath: the error context of reading one value: its path. */
static void
value_context(void *arg)
{
	errcontext("value at %s", (const char *) arg);
}

/*
 * set_value: a row's value of a column from jsonb, read by the type's
 * input function (its error carries the path in its context); an explicit
 * null in a NOT NULL column is 23502 here, with the path.
 */
static void
set_value(WriteLevel *level, WriteColumn *col, int row, JsonbValue *v, const char *path)
{
	ErrorContextCallback callback;

	col->given[row] = true;
	if (v->type == jbvNull)
	{
		HeapTuple	tup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(level->relid),
										  Int16GetDatum(col->attnum));
		bool		notnull = false;

		if (HeapTupleIsValid(tup))
		{
			notnull = ((Form_pg_attribute) GETSTRUCT(tup))->attnotnull;
			ReleaseSysCache(tup);
		}
		if (notnull)
			ereport(ERROR,
					(errcode(ERRCODE_NOT_NULL_VIOLATION),
					 errmsg("null value in column \"%s\" of relation \"%s\" at %s",
							col->name, level->name, path),
					 errhint("Give the column a value or leave the key out to use its default.")));
		col->nulls[row] = true;
		return;
	}
	callback.callback = value_context;
	callback.arg = (void *) path;
	callback.previous = error_context_stack;
	error_context_stack = &callback;
	if (getBaseType(col->type) == JSONBOID || getBaseType(col->type) == JSONOID)
	{
		/* a json(b) column takes the value itself, strings included */
		Jsonb	   *jb = JsonbValueToJsonb(v);
		char	   *text = JsonbToCString(NULL, &jb->root, VARSIZE(jb));
		Oid			infunc;
		Oid			ioparam;

		getTypeInputInfo(col->type, &infunc, &ioparam);
		col->values[row] = OidInputFunctionCall(infunc, text, ioparam, col->typmod);
	}
	else if (v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data) &&
			 OidIsValid(get_element_type(getBaseType(col->type))))
	{
		/* an array column takes a json array */
		StringInfoData text;
		Oid			infunc;
		Oid			ioparam;

		initStringInfo(&text);
		array_literal(&text, v->val.binary.data);
		getTypeInputInfo(col->type, &infunc, &ioparam);
		col->values[row] = OidInputFunctionCall(infunc, text.data, ioparam, col->typmod);
	}
	else
		col->values[row] = keys_jsonb_value(v, col->type, col->typmod);
	error_context_stack = callback.previous;
	col->nulls[row] = false;
}

/* ---- filters ---- */

/* parse_write_filter: a filter object over a table (22023 unless one). */
QueryFilter *
parse_write_filter(QueryTable *table, Jsonb *where, const char *path)
{
	if (!JB_ROOT_IS_OBJECT(where) || JB_ROOT_IS_SCALAR(where))
		malformed_data(path, "a filter must be an object");
	return parse_filter_on(table, &where->root, path);
}

/* new_filter: a WriteFilter of an owner row over rel's target. */
static WriteFilter *
new_filter(RelationInfo *rel, int row, JsonbValue *v, const char *path)
{
	WriteFilter *f = palloc0(sizeof(WriteFilter));

	if (!jsonb_value_is_object(v))
		malformed_data(path, "a filter must be an object");
	f->row = row;
	f->table = parse_table(rel->target.relid);
	f->filter = parse_filter_on(f->table, v->val.binary.data, path);
	f->path = pstrdup(path);
	f->create_row = -1;
	return f;
}

/*
 * for_each_item calls fn for each element of a list, or once for a single
 * object (SPEC §6: "a single object is a list of one"), with its path.
 */
typedef void (*ItemFn) (void *arg, JsonbValue *item, const char *path);

static void
for_each_item(JsonbValue *v, const char *path, bool allow_single, ItemFn fn, void *arg)
{
	JsonbIterator *it;
	JsonbValue	e;
	JsonbIteratorToken tok;
	int			i = 0;

	if (jsonb_value_is_object(v) && allow_single)
	{
		fn(arg, v, path);
		return;
	}
	if (!jsonb_value_is_array(v))
		malformed_data(path, allow_single ? "expected an object or a list of objects"
					   : "expected a list");
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		fn(arg, &e, psprintf("%s[%d]", path, i++));
	}
}

/* ItemContext: what the item callbacks of one relation key need. */
typedef struct ItemContext
{
	WriteRelation *wr;
	List	  **filters;
	int			row;
	int			depth;
	HTAB	   *seen;			/* connect_or_create: create once */
} ItemContext;

/* relation_for: the WriteRelation of rel among a level's, made if new. */
static WriteRelation *
relation_for(List **relations, RelationInfo *rel, const char *path)
{
	ListCell   *lc;
	WriteRelation *wr;

	foreach(lc, *relations)
	{
		wr = lfirst(lc);
		if (wr->rel == rel)
			return wr;
	}
	wr = palloc0(sizeof(WriteRelation));
	wr->rel = rel;
	wr->path = list_path(path);
	*relations = lappend(*relations, wr);
	return wr;
}

/* create_item: one row of a create list. */
static void
create_item(void *arg, JsonbValue *item, const char *path)
{
	ItemContext *cx = arg;

	if (!jsonb_value_is_object(item))
		malformed_data(path, "a row to create must be an object");
	if (cx->wr->create == NULL)
		cx->wr->create = write_level_new(cx->wr->rel->target.relid, path);
	parse_row(cx->wr->create, cx->row, item->val.binary.data, path, cx->depth + 1);
}

/* filter_item: one filter of a connect / add / set / disconnect / delete list. */
static void
filter_item(void *arg, JsonbValue *item, const char *path)
{
	ItemContext *cx = arg;

	*cx->filters = lappend(*cx->filters, new_filter(cx->wr->rel, cx->row, item, path));
}

/* SeenEntry: a connect_or_create item already given in this call. */
typedef struct SeenEntry
{
	char		text[NAMEDATALEN];	/* hash of the item's text, as key */
	char	   *item;
	int			row;
} SeenEntry;

/*
 * coc_item: one {"where": f, "create": {..}} of connect_or_create; the
 * same item twice in one call (same text) creates one row.
 */
static void
coc_item(void *arg, JsonbValue *item, const char *path)
{
	ItemContext *cx = arg;
	WriteRelation *wr = cx->wr;
	JsonbValue *where;
	JsonbValue *create;
	WriteFilter *f;
	char	   *text;
	SeenEntry  *seen;
	char		key[NAMEDATALEN];
	bool		found;

	if (!jsonb_value_is_object(item))
		malformed_data(path, "connect_or_create takes {\"where\": filter, \"create\": {..}}");
	where = keys_jsonb_field(item->val.binary.data, "where");
	create = keys_jsonb_field(item->val.binary.data, "create");
	if (where == NULL || create == NULL || !jsonb_value_is_object(create))
		malformed_data(path, "connect_or_create takes {\"where\": filter, \"create\": {..}}");
	f = new_filter(wr->rel, cx->row, where, psprintf("%s.where", path));
	if (wr->coc == NULL)
		wr->coc = write_level_new(wr->rel->target.relid, psprintf("%s.create", path));
	wr->coc->on_conflict = true;

	text = JsonbToCString(NULL, item->val.binary.data, item->val.binary.len);
	memset(key, 0, sizeof(key));
	snprintf(key, sizeof(key), "%08x%08x", hash_bytes((unsigned char *) text, strlen(text)),
			 (unsigned) strlen(text));
	seen = hash_search(cx->seen, key, HASH_ENTER, &found);
	if (found && strcmp(seen->item, text) == 0)
		f->create_row = seen->row;
	else
	{
		f->create_row = wr->coc->nrows;	/* the row parse_row adds */
		parse_row(wr->coc, cx->row, create->val.binary.data, psprintf("%s.create", path),
				  cx->depth + 1);
		if (!found)
		{
			seen->item = text;
			seen->row = f->create_row;
		}
	}
	wr->coc_filters = lappend(wr->coc_filters, f);
}

/* seen_table: the hash of connect_or_create items of one call. */
static HTAB *
seen_table(void)
{
	HASHCTL		ctl;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = NAMEDATALEN;
	ctl.entrysize = sizeof(SeenEntry);
	ctl.hcxt = CurrentMemoryContext;
	return hash_create("relorm connect_or_create", 16, &ctl,
					   HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
}

/* ---- relorm_create ---- */

/*
 * parse_create_relation: a relation key of a row to create (SPEC §6
 * relorm_create): to-one exactly one of create / connect /
 * connect_or_create, to-many any of them.
 */
static void
parse_create_relation(WriteLevel *level, int row, RelationInfo *rel, JsonbValue *v,
					  const char *path, int depth)
{
	bool		to_many = relation_kind_is_to_many(rel->kind);
	WriteRelation *wr = relation_for(&level->relations, rel, path);
	JsonbIterator *it;
	JsonbValue	k;
	JsonbIteratorToken tok;
	ItemContext cx;
	int			nops = 0;
	if (!jsonb_value_is_object(v))
		malformed_data(path, to_many
					   ? "a to-many relation takes an object of create, connect, connect_or_create"
					   : "a to-one relation takes an object with one of create, connect, connect_or_create");
	memset(&cx, 0, sizeof(cx));
	cx.wr = wr;
	cx.row = row;
	cx.depth = depth;
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		char	   *key;
		char	   *opath;
		JsonbValue	val;

		if (tok != WJB_KEY)
			continue;
		key = jsonb_value_string(&k);
		opath = psprintf("%s.%s", path, key);
		JsonbIteratorNext(&it, &val, true);
		nops++;
		switch (op_of(key))
		{
			case OP_CREATE:
				if (!to_many && !jsonb_value_is_object(&val))
					malformed_data(opath, "a to-one create takes an object");
				for_each_item(&val, opath, true, create_item, &cx);
				break;
			case OP_CONNECT:
				if (!to_many && !jsonb_value_is_object(&val))
					malformed_data(opath, "a to-one connect takes a filter object");
				cx.filters = &wr->connect;
				for_each_item(&val, opath, true, filter_item, &cx);
				break;
			case OP_CONNECT_OR_CREATE:
				if (!to_many && !jsonb_value_is_object(&val))
					malformed_data(opath, "a to-one connect_or_create takes an object");
				if (cx.seen == NULL)
					cx.seen = seen_table();
				for_each_item(&val, opath, true, coc_item, &cx);
				break;
			case OP_UNKNOWN:
				malformed_data(opath, psprintf("unrecognized operation \"%s\"", key));
				break;
			default:
				not_for_kind(rel, key, opath,
							 "relorm_create creates, connects or connect_or_creates related rows; use relorm_update to change existing links.");
		}
	}
	if (!to_many && nops != 1)
		malformed_data(path, "a to-one relation takes exactly one of create, connect, connect_or_create");
}

/*
 * parse_row: one row to create in level (under owner row `parent`):
 * columns and nested relation keys.
 */
static void
parse_row(WriteLevel *level, int parent, JsonbContainer *object, const char *path, int depth)
{
	JsonbIterator *it;
	JsonbValue	k;
	JsonbIteratorToken tok;
	int			row;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	if (depth > MAX_WRITE_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("data at %s nests deeper than %d levels", path, MAX_WRITE_DEPTH)));
	row = write_level_add_row(level, parent, path);
	it = JsonbIteratorInit(object);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		char	   *key;
		char	   *kpath;
		JsonbValue	v;
		WriteColumn *col;
		RelationInfo *rel;

		if (tok != WJB_KEY)
			continue;
		key = jsonb_value_string(&k);
		kpath = psprintf("%s.%s", path, key);
		JsonbIteratorNext(&it, &v, true);
		if ((col = write_level_column(level, key, true)) != NULL)
			set_value(level, col, row, &v, kpath);
		else if ((rel = write_relation(level->relid, key, kpath)) != NULL)
			parse_create_relation(level, row, rel, &v, kpath, depth);
		else
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("\"%s\" is neither a column nor a relation of table \"%s\"",
							key, level->name),
					 errdetail("At %s.", kpath),
					 errhint("Relations of table \"%s\": %s.", level->name,
							 relorm_relation_names(level->relid))));
	}
}

/*
 * parse_create: relorm_create's data: an object (one row) or an array of
 * objects; *is_array says which.
 */
WriteLevel *
parse_create(Oid relid, Jsonb *data, bool *is_array)
{
	WriteLevel *level = write_level_new(relid, "$");

	*is_array = JB_ROOT_IS_ARRAY(data) && !JB_ROOT_IS_SCALAR(data);
	if (JB_ROOT_IS_SCALAR(data))
		malformed_data("$", "data must be an object or a list of objects");
	if (*is_array)
	{
		JsonbIterator *it = JsonbIteratorInit(&data->root);
		JsonbValue	e;
		JsonbIteratorToken tok;
		int			i = 0;

		while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
		{
			char	   *path;

			if (tok != WJB_ELEM)
				continue;
			path = psprintf("$[%d]", i++);
			if (!jsonb_value_is_object(&e))
				malformed_data(path, "a row to create must be an object");
			parse_row(level, -1, e.val.binary.data, path, 0);
		}
	}
	else
		parse_row(level, -1, &data->root, "$", 0);
	return level;
}

/* ---- relorm_update ---- */

/* new_update: rows of a table to update, restricted by where (or NULL). */
static WriteUpdate *
new_update(Oid relid, JsonbValue *where, const char *path)
{
	WriteUpdate *u = palloc0(sizeof(WriteUpdate));

	u->table = parse_table(relid);
	u->path = pstrdup(path);
	if (where != NULL)
	{
		if (!jsonb_value_is_object(where))
			malformed_data(psprintf("%s.where", path), "a filter must be an object");
		u->where = parse_filter_on(u->table, where->val.binary.data,
								   psprintf("%s.where", path));
	}
	u->values = write_level_new(relid, path);
	write_level_add_row(u->values, -1, path);
	return u;
}

/* UpdateContext: the item callbacks of a to-many update list. */
typedef struct UpdateContext
{
	WriteRelation *wr;
	int			depth;
} UpdateContext;

/* update_item: one {"where": f, "data": {..}} of a to-many update. */
static void
update_item(void *arg, JsonbValue *item, const char *path)
{
	UpdateContext *cx = arg;
	JsonbValue *where;
	JsonbValue *data;
	WriteUpdate *u;

	if (!jsonb_value_is_object(item) ||
		(data = keys_jsonb_field(item->val.binary.data, "data")) == NULL || !jsonb_value_is_object(data))
		malformed_data(path, "a to-many update takes {\"where\": filter, \"data\": {..}}");
	where = keys_jsonb_field(item->val.binary.data, "where");
	u = new_update(cx->wr->rel->target.relid, where, path);
	parse_update_data(u, data->val.binary.data, psprintf("%s.data", path), cx->depth + 1);
	cx->wr->update = lappend(cx->wr->update, u);
}

/*
 * parse_update_relation: a relation key of relorm_update's data (SPEC §6):
 * to-one exactly one of create, update, upsert, set, disconnect, delete;
 * to-many any of create, add, set, disconnect, update, delete.
 */
static void
parse_update_relation(WriteUpdate *u, RelationInfo *rel, JsonbValue *v, const char *path,
					  int depth)
{
	bool		to_many = relation_kind_is_to_many(rel->kind);
	WriteRelation *wr = relation_for(&u->relations, rel, path);
	JsonbIterator *it;
	JsonbValue	k;
	JsonbIteratorToken tok;
	ItemContext cx;
	UpdateContext ucx;
	int			nops = 0;

	if (!jsonb_value_is_object(v))
		malformed_data(path, to_many
					   ? "a to-many relation takes an object of create, add, set, disconnect, update, delete"
					   : "a to-one relation takes an object with one of create, update, upsert, set, disconnect, delete");
	memset(&cx, 0, sizeof(cx));
	cx.wr = wr;
	cx.row = 0;
	cx.depth = depth;
	ucx.wr = wr;
	ucx.depth = depth;
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		char	   *key;
		char	   *opath;
		JsonbValue	val;
		WriteOp		op;

		if (tok != WJB_KEY)
			continue;
		key = jsonb_value_string(&k);
		opath = psprintf("%s.%s", path, key);
		JsonbIteratorNext(&it, &val, true);
		nops++;
		op = op_of(key);
		switch (op)
		{
			case OP_CREATE:
				if (!to_many && !jsonb_value_is_object(&val))
					malformed_data(opath, "a to-one create takes an object");
				for_each_item(&val, opath, true, create_item, &cx);
				if (rel->kind == RELORM_HAS_ONE || rel->kind == RELORM_HAS_MANY)
					u->one_record = true;
				break;
			case OP_UPDATE:
				if (to_many)
					for_each_item(&val, opath, true, update_item, &ucx);
				else
				{
					WriteUpdate *nu;

					if (!jsonb_value_is_object(&val))
						malformed_data(opath, "a to-one update takes an object of columns");
					nu = new_update(rel->target.relid, NULL, opath);
					parse_update_data(nu, val.val.binary.data, opath, depth + 1);
					wr->update = lappend(wr->update, nu);
				}
				break;
			case OP_UPSERT:
				{
					JsonbValue *upd;
					JsonbValue *cre;

					if (to_many)
						not_for_kind(rel, key, opath,
									 "upsert is for to-one relations; a to-many relation takes update and create.");
					if (!jsonb_value_is_object(&val) ||
						(upd = keys_jsonb_field(val.val.binary.data, "update")) == NULL ||
						(cre = keys_jsonb_field(val.val.binary.data, "create")) == NULL ||
						!jsonb_value_is_object(upd) || !jsonb_value_is_object(cre))
						malformed_data(opath, "upsert takes {\"update\": {..}, \"create\": {..}}");
					wr->upsert_update = new_update(rel->target.relid, NULL,
												   psprintf("%s.update", opath));
					parse_update_data(wr->upsert_update, upd->val.binary.data,
									  psprintf("%s.update", opath), depth + 1);
					create_item(&cx, cre, psprintf("%s.create", opath));
					if (rel->kind == RELORM_HAS_ONE)
						u->one_record = true;
				}
				break;
			case OP_SET:
				wr->set = true;
				cx.filters = &wr->connect;
				if (!to_many)
				{
					if (!jsonb_value_is_object(&val))
						malformed_data(opath, "a to-one set takes a filter object");
					filter_item(&cx, &val, opath);
				}
				else
					for_each_item(&val, opath, true, filter_item, &cx);
				if (rel->kind == RELORM_HAS_ONE || rel->kind == RELORM_HAS_MANY)
					u->one_record = true;
				break;
			case OP_ADD:
				if (!to_many)
					not_for_kind(rel, key, opath, "A to-one relation is pointed with set.");
				cx.filters = &wr->connect;
				for_each_item(&val, opath, true, filter_item, &cx);
				if (rel->kind == RELORM_HAS_MANY)
					u->one_record = true;
				break;
			case OP_DISCONNECT:
			case OP_DELETE:
				if (!to_many)
				{
					if (val.type != jbvBool || !val.val.boolean)
						malformed_data(opath, psprintf("a to-one %s takes true", key));
					if (op == OP_DELETE)
						wr->delete_all = true;
					else
						wr->disconnect_all = true;
				}
				else
				{
					cx.filters = op == OP_DELETE ? &wr->delete : &wr->disconnect;
					if (jsonb_value_is_array(&val) && JsonContainerSize(val.val.binary.data) == 0 &&
						op == OP_DELETE)
						wr->delete_all = true;
					else
						for_each_item(&val, opath, true, filter_item, &cx);
				}
				break;
			case OP_CONNECT:
			case OP_CONNECT_OR_CREATE:
				not_for_kind(rel, key, opath, to_many
							 ? "relorm_update links existing rows with add or set."
							 : "relorm_update points a to-one relation with set.");
				break;
			case OP_UNKNOWN:
				malformed_data(opath, psprintf("unrecognized operation \"%s\"", key));
				break;
		}
	}
	if (!to_many && nops != 1)
		malformed_data(path, "a to-one relation takes exactly one of create, update, upsert, set, disconnect, delete");
}

/* parse_update_data: the columns and relation keys of an update's data. */
static void
parse_update_data(WriteUpdate *u, JsonbContainer *data, const char *path, int depth)
{
	JsonbIterator *it;
	JsonbValue	k;
	JsonbIteratorToken tok;

	check_stack_depth();
	if (depth > MAX_WRITE_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("data at %s nests deeper than %d levels", path, MAX_WRITE_DEPTH)));
	if (!JsonContainerIsObject(data))
		malformed_data(path, "data must be an object");
	it = JsonbIteratorInit(data);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		char	   *key;
		char	   *kpath;
		JsonbValue	v;
		WriteColumn *col;
		RelationInfo *rel;

		if (tok != WJB_KEY)
			continue;
		key = jsonb_value_string(&k);
		kpath = psprintf("%s.%s", path, key);
		JsonbIteratorNext(&it, &v, true);
		if ((col = write_level_column(u->values, key, true)) != NULL)
			set_value(u->values, col, 0, &v, kpath);
		else if ((rel = write_relation(u->table->relid, key, kpath)) != NULL)
			parse_update_relation(u, rel, &v, kpath, depth);
		else
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("\"%s\" is neither a column nor a relation of table \"%s\"",
							key, get_rel_name(u->table->relid)),
					 errdetail("At %s.", kpath),
					 errhint("Relations of table \"%s\": %s.", get_rel_name(u->table->relid),
							 relorm_relation_names(u->table->relid))));
	}
}

/*
 * parse_update: relorm_update(source, where, data): the rows where matches
 * (NULL: every row) and what to write.
 */
WriteUpdate *
parse_update(Oid relid, Jsonb *where, Jsonb *data)
{
	WriteUpdate *u;
	JsonbValue	w;

	if (where != NULL)
	{
		if (!JB_ROOT_IS_OBJECT(where) || JB_ROOT_IS_SCALAR(where))
			malformed_data("where", "a filter must be an object");
		w.type = jbvBinary;
		w.val.binary.data = &where->root;
		w.val.binary.len = VARSIZE(where);
	}
	u = new_update(relid, where ? &w : NULL, "$");
	if (!JB_ROOT_IS_OBJECT(data) || JB_ROOT_IS_SCALAR(data))
		malformed_data("$", "data must be an object");
	parse_update_data(u, &data->root, "$", 0);
	return u;
}

/*
 * parse_related_write: the *_related forms as an update of the owner row
 * (owner_where names it by key) with one operation on one relation:
 * create (data, an object or an array), update (where, data) or delete
 * (where; NULL or {}: all).  Paths start at the data argument ("$").
 */
WriteUpdate *
parse_related_write(RelationInfo *rel, Jsonb *owner_where, char op, Jsonb *where,
					Jsonb *data, bool *is_array)
{
	JsonbValue	w;
	WriteUpdate *u;
	WriteRelation *wr;
	ItemContext cx;

	w.type = jbvBinary;
	w.val.binary.data = &owner_where->root;
	w.val.binary.len = VARSIZE(owner_where);
	u = new_update(rel->source.relid, &w, "$");
	wr = relation_for(&u->relations, rel, "$");
	memset(&cx, 0, sizeof(cx));
	cx.wr = wr;
	*is_array = false;
	if (op == 'c')
	{
		JsonbValue	d;

		if (JB_ROOT_IS_SCALAR(data))
			malformed_data("$", "data must be an object or a list of objects");
		*is_array = JB_ROOT_IS_ARRAY(data);
		d.type = jbvBinary;
		d.val.binary.data = &data->root;
		d.val.binary.len = VARSIZE(data);
		for_each_item(&d, "$", true, create_item, &cx);
		if (wr->create == NULL)
			wr->create = write_level_new(rel->target.relid, "$");
	}
	else if (op == 'u')
	{
		JsonbValue	wv;
		WriteUpdate *nu;

		if (where != NULL)
		{
			wv.type = jbvBinary;
			wv.val.binary.data = &where->root;
			wv.val.binary.len = VARSIZE(where);
		}
		if (!JB_ROOT_IS_OBJECT(data) || JB_ROOT_IS_SCALAR(data))
			malformed_data("$", "data must be an object");
		nu = new_update(rel->target.relid, where ? &wv : NULL, "$");
		parse_update_data(nu, &data->root, "$", 1);
		wr->update = list_make1(nu);
	}
	else
	{
		JsonbValue	wv;

		if (where == NULL)
			wr->delete_all = true;
		else
		{
			wv.type = jbvBinary;
			wv.val.binary.data = &where->root;
			wv.val.binary.len = VARSIZE(where);
			cx.filters = &wr->delete;
			filter_item(&cx, &wv, "$.where");
		}
	}
	return u;
}

/* ---- relorm_save ---- */

static void parse_save_row(WriteLevel *level, int parent, JsonbContainer *object,
						   const char *path, int depth);

/* save_relation_for: the SaveRelation of rel among a level's, made if new. */
static SaveRelation *
save_relation_for(WriteLevel *level, RelationInfo *rel, const char *key, const char *path)
{
	ListCell   *lc;
	SaveRelation *sr;

	foreach(lc, level->saves)
	{
		sr = lfirst(lc);
		if (sr->rel == rel)
			return sr;
	}
	sr = palloc0(sizeof(SaveRelation));
	sr->rel = rel;
	sr->key = pstrdup(key);
	sr->rows = write_level_new(rel->target.relid, path);
	level->saves = lappend(level->saves, sr);
	return sr;
}

/*
 * parse_save_value: the value of a relation key of an entity: null (to-one:
 * unlink; to-many: unlink all), an object (to-one; to-many: a list of
 * one), or a list of objects (to-many).
 */
static void
parse_save_value(WriteLevel *level, int row, RelationInfo *rel, const char *key,
				 JsonbValue *v, const char *path, int depth)
{
	bool		to_many = relation_kind_is_to_many(rel->kind);
	SaveRelation *sr = save_relation_for(level, rel, key, path);

	sr->present = lappend_int(sr->present, row);
	if (v->type == jbvNull)
	{
		sr->cleared = lappend_int(sr->cleared, row);
		return;
	}
	if (jsonb_value_is_object(v))
	{
		parse_save_row(sr->rows, row, v->val.binary.data, path, depth + 1);
		return;
	}
	if (!jsonb_value_is_array(v) || !to_many)
		malformed_data(path, to_many ? "a to-many relation takes a list of objects or null"
					   : "a to-one relation takes an object or null");
	if (JsonContainerSize(v->val.binary.data) == 0)
		sr->cleared = lappend_int(sr->cleared, row);
	else
	{
		JsonbIterator *it = JsonbIteratorInit(v->val.binary.data);
		JsonbValue	e;
		JsonbIteratorToken tok;
		int			i = 0;

		while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
		{
			char	   *epath;

			if (tok != WJB_ELEM)
				continue;
			epath = psprintf("%s[%d]", path, i++);
			if (!jsonb_value_is_object(&e))
				malformed_data(epath, "an entity must be an object");
			parse_save_row(sr->rows, row, e.val.binary.data, epath, depth + 1);
		}
	}
}

/* parse_save_row: one entity of a level: its columns and relation keys. */
static void
parse_save_row(WriteLevel *level, int parent, JsonbContainer *object, const char *path,
			   int depth)
{
	JsonbIterator *it;
	JsonbValue	k;
	JsonbIteratorToken tok;
	int			row;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	if (depth > MAX_WRITE_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("entity at %s nests deeper than %d levels", path, MAX_WRITE_DEPTH)));
	row = write_level_add_row(level, parent, path);
	level->objects[row] = object;
	it = JsonbIteratorInit(object);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		char	   *key;
		char	   *kpath;
		JsonbValue	v;
		WriteColumn *col;
		RelationInfo *rel;

		if (tok != WJB_KEY)
			continue;
		key = jsonb_value_string(&k);
		kpath = psprintf("%s.%s", path, key);
		JsonbIteratorNext(&it, &v, true);
		if ((col = write_level_column(level, key, true)) != NULL)
			set_value(level, col, row, &v, kpath);
		else if ((rel = write_relation(level->relid, key, kpath)) != NULL)
			parse_save_value(level, row, rel, key, &v, kpath, depth);
		else
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("\"%s\" is neither a column nor a relation of table \"%s\"",
							key, level->name),
					 errdetail("At %s.", kpath)));
	}
}

/*
 * parse_save: relorm_save's entity: an object, or a list of objects; the
 * entities at one nested position form one level, as for relorm_create.
 */
WriteLevel *
parse_save(Oid relid, Jsonb *entity, bool *is_array)
{
	WriteLevel *level = write_level_new(relid, "$");
	JsonbValue	v;

	if (JB_ROOT_IS_SCALAR(entity))
		malformed_data("$", "an entity must be an object or a list of objects");
	*is_array = JB_ROOT_IS_ARRAY(entity);
	if (!*is_array)
	{
		parse_save_row(level, -1, &entity->root, "$", 0);
		return level;
	}
	{
		JsonbIterator *it = JsonbIteratorInit(&entity->root);
		JsonbIteratorToken tok;
		int			i = 0;

		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			char	   *path;

			if (tok != WJB_ELEM)
				continue;
			path = psprintf("$[%d]", i++);
			if (!jsonb_value_is_object(&v))
				malformed_data(path, "an entity must be an object");
			parse_save_row(level, -1, v.val.binary.data, path, 0);
		}
	}
	return level;
}
