/*-------------------------------------------------------------------------
 *
 * options.c
 *	  Relation options (SPEC §2): parsed and validated in one place, when a
 *	  relation is registered (validate) and when its metadata is built from
 *	  the stored value.
 *
 *	inverse		name of the relation seen from the target
 *	eager		loaded by relorm_select when the select does not name it
 *	cascade		true, false, or a list of "insert", "update", "remove"
 *	order		default order of a to-many relation's rows: its shape is
 *				checked here, its column names by the query parser when the
 *				relation is registered (register.c), since that is where
 *				orders are read
 *	pivot		junction columns exposed as pivot fields
 *	create		create the foreign-key column or the junction (register.c),
 *				with on_delete, nullable and junction_name
 *	accessor	create a function <relation>(<source table>) (register.c)
 *	through, via	stored by relorm_has_many_through / has_one_through
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/jsonb.h"
#include "utils/lsyscache.h"

#include "metadata.h"
#include "options.h"

static RelationOnDelete parse_on_delete(JsonbValue *value);

/* option_error raises 22023 for an option's value. */
static void
option_error(const char *message, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s", message),
			 hint ? errhint("%s", hint) : 0));
}

/* string_is: a jsonb string equals s. */
static bool
string_is(const JsonbValue *v, const char *s)
{
	return v->type == jbvString && v->val.string.len == strlen(s) &&
		strncmp(v->val.string.val, s, v->val.string.len) == 0;
}

/* parse_cascade reads "cascade": true, false or a list of operations. */
static void
parse_cascade(JsonbValue *value, RelationOptions *options)
{
	static const char *const hint = "Use true, false, or a list of \"insert\", \"update\" and \"remove\".";

	if (value->type == jbvBool)
	{
		options->cascade_insert = options->cascade_update =
			options->cascade_remove = value->val.boolean;
		return;
	}
	if (value->type == jbvBinary && JsonContainerIsArray(value->val.binary.data))
	{
		JsonbIterator *it = JsonbIteratorInit(value->val.binary.data);
		JsonbValue	e;
		JsonbIteratorToken tok;

		while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
		{
			if (tok != WJB_ELEM)
				continue;
			if (string_is(&e, "insert"))
				options->cascade_insert = true;
			else if (string_is(&e, "update"))
				options->cascade_update = true;
			else if (string_is(&e, "remove"))
				options->cascade_remove = true;
			else
				option_error("option \"cascade\" lists an unknown operation", hint);
		}
		return;
	}
	option_error("option \"cascade\" must be true, false, or a list of operations", hint);
}

/*
 * parse_pivot reads "pivot": a list of junction columns that are not key
 * columns of the junction; validate checks that they are.
 */
static void
parse_pivot(JsonbValue *value, const OptionsTarget *target, bool validate,
			RelationOptions *options)
{
	JsonbIterator *it;
	JsonbValue	e;
	JsonbIteratorToken tok;

	if (target->kind != RELORM_MANY_TO_MANY)
		option_error("option \"pivot\" applies to many_to_many relations", NULL);
	if (value->type != jbvBinary || !JsonContainerIsArray(value->val.binary.data))
		option_error("option \"pivot\" must be a list of junction column names", NULL);
	it = JsonbIteratorInit(value->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
	{
		char	   *column;
		AttrNumber	attnum;
		int			i;

		if (tok != WJB_ELEM)
			continue;
		if (e.type != jbvString)
			option_error("option \"pivot\" must be a list of junction column names", NULL);
		column = pnstrdup(e.val.string.val, e.val.string.len);
		options->pivot = lappend(options->pivot, column);
		if (!validate)
			continue;
		attnum = get_attnum(target->junction, column);
		if (attnum <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of table \"%s\" does not exist",
							column, get_rel_name(target->junction)),
					 errhint("Pivot fields are columns of the junction table.")));
		for (i = 0; i < target->junction_source_cols->ncols; i++)
			if (target->junction_source_cols->attnums[i] == attnum)
				attnum = 0;
		for (i = 0; i < target->junction_target_cols->ncols; i++)
			if (target->junction_target_cols->attnums[i] == attnum)
				attnum = 0;
		if (attnum == 0)
			option_error(psprintf("junction key column \"%s\" cannot be a pivot field", column),
						 NULL);
	}
}

/*
 * options_parse reads a relation's options into *options, checking them
 * against the relation (every error 22023, or 42703 for an unknown pivot
 * column).  Stored options were valid when registered: with validate
 * false, columns dropped since are not an error (their fields are simply
 * gone).
 */
void
options_parse(Jsonb *jb, const OptionsTarget *target, bool validate,
			  RelationOptions *options)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	bool		nullable_given = false;

	memset(options, 0, sizeof(*options));
	if (!JB_ROOT_IS_OBJECT(jb) || JB_ROOT_IS_SCALAR(jb))
		option_error("options must be a jsonb object", NULL);

	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *key;
		JsonbValue *value;

		if (tok != WJB_KEY)
			continue;
		key = pnstrdup(v.val.string.val, v.val.string.len);
		value = getKeyJsonValueFromContainer(&jb->root, key, strlen(key), NULL);

		if (strcmp(key, "inverse") == 0)
		{
			if (value->type != jbvString)
				option_error("option \"inverse\" must be a relation name", NULL);
			options->inverse = pnstrdup(value->val.string.val, value->val.string.len);
		}
		else if (strcmp(key, "eager") == 0)
		{
			if (value->type != jbvBool)
				option_error("option \"eager\" must be true or false", NULL);
			options->eager = value->val.boolean;
		}
		else if (strcmp(key, "cascade") == 0)
			parse_cascade(value, options);
		else if (strcmp(key, "order") == 0)
		{
			if (target->kind != RELORM_HAS_MANY && target->kind != RELORM_MANY_TO_MANY)
				option_error("option \"order\" applies to has_many and many_to_many relations",
							 NULL);
			options->order = JsonbValueToJsonb(value);
		}
		else if (strcmp(key, "pivot") == 0)
			parse_pivot(value, target, validate, options);
		else if ((strcmp(key, "through") == 0 || strcmp(key, "via") == 0) &&
				 relation_kind_is_through(target->kind))
		{
			/* stored by relorm_has_many_through / relorm_has_one_through */
			if (value->type != jbvString)
				option_error(psprintf("option \"%s\" must be a relation name", key), NULL);
			if (key[0] == 't')
				options->through = pnstrdup(value->val.string.val, value->val.string.len);
			else
				options->via = pnstrdup(value->val.string.val, value->val.string.len);
		}
		else if (strcmp(key, "create") == 0 || strcmp(key, "accessor") == 0 ||
				 strcmp(key, "nullable") == 0)
		{
			if (value->type != jbvBool)
				option_error(psprintf("option \"%s\" must be true or false", key), NULL);
			if (key[0] == 'c')
				options->create = value->val.boolean;
			else if (key[0] == 'a')
				options->accessor = value->val.boolean;
			else
				options->not_null = !value->val.boolean;
			nullable_given |= key[0] == 'n';
		}
		else if (strcmp(key, "on_delete") == 0)
			options->on_delete = parse_on_delete(value);
		else if (strcmp(key, "junction_name") == 0)
		{
			if (target->kind != RELORM_MANY_TO_MANY)
				option_error("option \"junction_name\" applies to many_to_many relations", NULL);
			if (value->type != jbvString || value->val.string.len == 0 ||
				value->val.string.len >= NAMEDATALEN)
				option_error("option \"junction_name\" must be a table name", NULL);
			options->junction_name = pnstrdup(value->val.string.val, value->val.string.len);
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unrecognized relation option \"%s\"", key),
					 errhint("Valid options are inverse, eager, cascade, order, pivot, create (with on_delete, nullable, junction_name) and accessor.")));
	}
	if (!options->create && (options->on_delete != RELORM_ON_DELETE_DEFAULT || nullable_given ||
							 options->junction_name != NULL))
		option_error("options \"on_delete\", \"nullable\" and \"junction_name\" apply with \"create\": true",
					 "They describe what \"create\" creates.");
	if (options->create && relation_kind_is_through(target->kind))
		option_error("through relations take no options", NULL);
}

/* parse_on_delete reads "on_delete": restrict, cascade, set null, no action. */
static RelationOnDelete
parse_on_delete(JsonbValue *value)
{
	static const char *const names[] = {"restrict", "cascade", "set null", "no action"};
	int			i;

	for (i = 0; i < lengthof(names); i++)
		if (string_is(value, names[i]))
			return (RelationOnDelete) (i + 1);
	option_error("option \"on_delete\" must be \"restrict\", \"cascade\", \"set null\" or \"no action\"",
				 NULL);
	return RELORM_ON_DELETE_DEFAULT;	/* keep compiler quiet */
}

/* options_inverse_of returns {"inverse": name}, the options of an inverse. */
Jsonb *
options_inverse_of(const char *name)
{
	JsonbParseState *state = NULL;
	JsonbValue	key;
	JsonbValue	value;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	key.type = jbvString;
	key.val.string.val = "inverse";
	key.val.string.len = 7;
	pushJsonbValue(&state, WJB_KEY, &key);
	value.type = jbvString;
	value.val.string.val = (char *) name;
	value.val.string.len = strlen(name);
	pushJsonbValue(&state, WJB_VALUE, &value);
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/* options_inverse: the "inverse" of stored options, or NULL. */
char *
options_inverse(Jsonb *jb)
{
	JsonbValue *v = getKeyJsonValueFromContainer(&jb->root, "inverse", 7, NULL);

	return (v != NULL && v->type == jbvString)
		? pnstrdup(v->val.string.val, v->val.string.len) : NULL;
}
