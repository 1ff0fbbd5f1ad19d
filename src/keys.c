/*-------------------------------------------------------------------------
 *
 * keys.c
 *	  Turning the "any" arguments that identify rows into typed key values.
 *
 * An `owner` or `targets` argument (SPEC §1) may be
 *	- a scalar of the key's type, or of a type with an assignment cast to
 *	  it, or of a string type, or an untyped literal;
 *	- a whole row of any composite type with the key's column names;
 *	- jsonb (or json): a scalar, an object of key columns (extra fields are
 *	  ignored), or an array of these;
 *	- a SQL array of scalars or rows.
 * Every form becomes a KeyList: one array of Datums per key column, each of
 * the column's own type, so statements can take them as typed parameters.
 * This is the only place that interprets such arguments.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/params.h"
#include "optimizer/optimizer.h"
#include "parser/parse_coerce.h"
#include "parser/parse_func.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "keys.h"

/*
 * How a value of one source type becomes a value of a key column: taken as
 * it is, read by the column type's input function from its text, or by an
 * assignment cast evaluated as an expression.
 */
typedef enum CoercionMode
{
	COERCE_SAME,
	COERCE_INPUT,
	COERCE_CAST
} CoercionMode;

typedef struct ColumnCoercion
{
	Oid			srctype;		/* source type the rest is prepared for */
	CoercionMode mode;
	ExprState  *cast;			/* COERCE_CAST: the cast of $1 */
	ParamListInfo params;
} ColumnCoercion;

/* KeyBuilder: state while one argument is turned into a KeyList. */
typedef struct KeyBuilder
{
	KeyList    *keys;
	const char *what;			/* "owner", "targets", for messages */
	const char *table;			/* the table the keys identify */
	int			capacity;
	int			position;		/* index in an array argument, or -1 */
	FmgrInfo	input[RELORM_MAX_KEY_COLUMNS];
	Oid			ioparam[RELORM_MAX_KEY_COLUMNS];
	ColumnCoercion coercion[RELORM_MAX_KEY_COLUMNS];
	ExprContext *econtext;
	Datum		pending[RELORM_MAX_KEY_COLUMNS];	/* the key being read */
} KeyBuilder;

static void collect(KeyBuilder *kb, Datum value, Oid type, bool top);
static void collect_scalar(KeyBuilder *kb, Datum value, Oid type);
static void collect_row(KeyBuilder *kb, Datum value);
static void collect_jsonb(KeyBuilder *kb, Jsonb *jb, bool top);
static void collect_jsonb_value(KeyBuilder *kb, JsonbValue *v);
static void collect_jsonb_object(KeyBuilder *kb, JsonbContainer *object);
static char *jsonb_scalar_text(KeyBuilder *kb, JsonbValue *v, const char *column);
static Datum coerce_value(KeyBuilder *kb, int col, Datum value, Oid type);
static Datum input_value(KeyBuilder *kb, int col, char *text);
static void push_key(KeyBuilder *kb);
static char *where(KeyBuilder *kb);

/*
 * keys_from_argument reads argument argno of the current call as keys of
 * the given columns.  `what` names the argument in messages.  With single,
 * exactly one key must be given.  The argument must not be NULL.
 */
/* keybuilder_init prepares reading keys of the given columns. */
static void
keybuilder_init(KeyBuilder *kb, const ColumnSet *columns, const char *what)
{
	int			c;

	memset(kb, 0, sizeof(*kb));
	kb->keys = palloc0(sizeof(KeyList));
	kb->keys->columns = columns;
	kb->what = what;
	kb->position = -1;
	kb->capacity = 8;
	for (c = 0; c < columns->ncols; c++)
	{
		Oid			infunc;

		kb->keys->values[c] = palloc(sizeof(Datum) * kb->capacity);
		getTypeInputInfo(columns->types[c], &infunc, &kb->ioparam[c]);
		fmgr_info(infunc, &kb->input[c]);
	}
}

/* keybuilder_finish checks the count and releases what reading used. */
static KeyList *
keybuilder_finish(KeyBuilder *kb, bool single)
{
	if (kb->econtext)
		FreeExprContext(kb->econtext, true);
	if (single && kb->keys->nkeys != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must identify exactly one row, not %d",
						kb->what, kb->keys->nkeys)));
	return kb->keys;
}

/* argument_type: the type of argument argno, which must not be NULL. */
static Oid
argument_type(FunctionCallInfo fcinfo, int argno, const char *what)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, argno);

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be null", what)));
	if (!OidIsValid(type))
		elog(ERROR, "could not determine the type of argument %d", argno + 1);
	return type;
}

/*
 * keys_from_argument reads argument argno of the current call as keys of
 * the given columns.  `what` names the argument in messages.  With single,
 * exactly one key must be given.  The argument must not be NULL.
 */
KeyList *
keys_from_argument(FunctionCallInfo fcinfo, int argno,
				   const ColumnSet *columns, const char *what, bool single)
{
	KeyBuilder	kb;
	Oid			type = argument_type(fcinfo, argno, what);

	keybuilder_init(&kb, columns, what);
	collect(&kb, PG_GETARG_DATUM(argno), type, true);
	return keybuilder_finish(&kb, single);
}

/*
 * keys_from_jsonb reads keys from a jsonb value (a scalar, an object of
 * key columns, or an array of these), e.g. the "of" of a chain query.
 */
KeyList *
keys_from_jsonb(Jsonb *jb, const ColumnSet *columns, const char *what)
{
	KeyBuilder	kb;

	keybuilder_init(&kb, columns, what);
	collect_jsonb(&kb, jb, true);
	return keybuilder_finish(&kb, false);
}

/*
 * is_pivot_map: a jsonb object whose values are all objects is the
 * {"key": {pivot fields}, ...} form of the pivot operations (SPEC §4); an
 * object with scalar values is an id map.
 */
static bool
is_pivot_map(Jsonb *jb)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	if (!JB_ROOT_IS_OBJECT(jb) || JB_ROOT_IS_SCALAR(jb))
		return false;
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		if (tok == WJB_VALUE &&
			!(v.type == jbvBinary && JsonContainerIsObject(v.val.binary.data)))
			return false;
	return true;
}

/*
 * keys_with_pivots is keys_from_argument for the pivot operations: the
 * argument may also be {"key": {pivot fields}, ...}.  *pivots gets each
 * key's fields (NULL where none were given).
 */
KeyList *
keys_with_pivots(FunctionCallInfo fcinfo, int argno, const ColumnSet *columns,
				 const char *what, bool single, Jsonb ***pivots)
{
	KeyBuilder	kb;
	Oid			type = argument_type(fcinfo, argno, what);
	Oid			base = getBaseType(type);
	Jsonb	   *jb = NULL;
	KeyList    *keys;

	if (base == JSONBOID)
		jb = PG_GETARG_JSONB_P(argno);
	else if (base == JSONOID)
		jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
												CStringGetDatum(TextDatumGetCString(PG_GETARG_DATUM(argno)))));

	keybuilder_init(&kb, columns, what);
	if (jb != NULL && is_pivot_map(jb))
	{
		JsonbIterator *it = JsonbIteratorInit(&jb->root);
		JsonbValue	v;
		JsonbIteratorToken tok;
		List	   *fields = NIL;
		ListCell   *lc;
		int			i = 0;

		if (columns->ncols != 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: the {\"key\": {fields}} form needs a single-column key",
							what),
					 errhint("Give the targets as a list and the fields as the pivot argument.")));
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			if (tok == WJB_KEY)
			{
				CHECK_FOR_INTERRUPTS();
				kb.position = i++;
				kb.pending[0] = input_value(&kb, 0, pnstrdup(v.val.string.val,
															 v.val.string.len));
				push_key(&kb);
			}
			else if (tok == WJB_VALUE)
				fields = lappend(fields, JsonbValueToJsonb(&v));
		}
		keys = keybuilder_finish(&kb, single);
		*pivots = palloc0(sizeof(Jsonb *) * (keys->nkeys + 1));
		i = 0;
		foreach(lc, fields)
			(*pivots)[i++] = (Jsonb *) lfirst(lc);
		return keys;
	}

	collect(&kb, PG_GETARG_DATUM(argno), type, true);
	keys = keybuilder_finish(&kb, single);
	*pivots = palloc0(sizeof(Jsonb *) * (keys->nkeys + 1));
	return keys;
}

/* collect dispatches on the argument's form. */
static void
collect(KeyBuilder *kb, Datum value, Oid type, bool top)
{
	Oid			base = getBaseType(type);
	const ColumnSet *cols = kb->keys->columns;

	if (base == JSONBOID)
		collect_jsonb(kb, DatumGetJsonbP(value), top);
	else if (base == JSONOID)
		collect_jsonb(kb, DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
															 CStringGetDatum(TextDatumGetCString(value)))),
					  top);
	else if (cols->ncols == 1 && base == getBaseType(cols->types[0]))
	{
		/*
		 * a value of the key column's own type is one key, also when that
		 * type is a composite or an array type
		 */
		collect_scalar(kb, value, type);
	}
	else if (OidIsValid(get_element_type(base)))
	{
		ArrayType  *array = DatumGetArrayTypeP(value);
		Oid			elemtype = ARR_ELEMTYPE(array);
		int16		typlen;
		bool		typbyval;
		char		typalign;
		Datum	   *elems;
		bool	   *nulls;
		int			n;
		int			i;

		if (!top || ARR_NDIM(array) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s%s: nested arrays cannot identify rows", kb->what, where(kb))));
		get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
		deconstruct_array(array, elemtype, typlen, typbyval, typalign,
						  &elems, &nulls, &n);
		for (i = 0; i < n; i++)
		{
			CHECK_FOR_INTERRUPTS();
			kb->position = i;
			if (nulls[i])
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s%s: a key must not be null", kb->what, where(kb))));
			collect(kb, elems[i], elemtype, false);
		}
		kb->position = -1;
	}
	else if (type_is_rowtype(base))
		collect_row(kb, value);
	else if (base == UNKNOWNOID && cols->ncols > 1)
	{
		/* an untyped literal for a composite key: read it as jsonb */
		collect_jsonb(kb, DatumGetJsonbP(DirectFunctionCall1(jsonb_in, value)), top);
	}
	else
		collect_scalar(kb, value, type);
}

/* collect_scalar takes a scalar as the one column of a single-column key. */
static void
collect_scalar(KeyBuilder *kb, Datum value, Oid type)
{
	const ColumnSet *cols = kb->keys->columns;

	if (cols->ncols != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s%s: a scalar cannot identify a row by a key of %d columns",
						kb->what, where(kb), cols->ncols),
				 errhint("Pass an object of the key columns, such as '{\"%s\": ..., \"%s\": ...}'::jsonb, or a row.",
						 cols->names[0], cols->names[1])));
	kb->pending[0] = coerce_value(kb, 0, value, type);
	push_key(kb);
}

/* collect_row reads the key columns of a row by name. */
static void
collect_row(KeyBuilder *kb, Datum value)
{
	const ColumnSet *cols = kb->keys->columns;
	HeapTupleHeader rec = DatumGetHeapTupleHeader(value);
	TupleDesc	tupdesc;
	HeapTupleData tuple;
	int			c;

	tupdesc = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(rec),
									 HeapTupleHeaderGetTypMod(rec));
	tuple.t_len = HeapTupleHeaderGetDatumLength(rec);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = rec;

	for (c = 0; c < cols->ncols; c++)
	{
		int			a;
		int			found = -1;
		bool		isnull;
		Datum		d;

		for (a = 0; a < tupdesc->natts; a++)
		{
			Form_pg_attribute att = TupleDescAttr(tupdesc, a);

			if (!att->attisdropped &&
				strcmp(NameStr(att->attname), cols->names[c]) == 0)
			{
				found = a;
				break;
			}
		}
		if (found < 0)
		{
			ReleaseTupleDesc(tupdesc);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s%s: the row has no column \"%s\"",
							kb->what, where(kb), cols->names[c]),
					 errhint("A row identifies a row of the table by the key columns (%s).",
							 keys_column_names(cols))));
		}
		d = heap_getattr(&tuple, found + 1, tupdesc, &isnull);
		if (isnull)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s%s: key column \"%s\" of the row is null",
							kb->what, where(kb), cols->names[c])));
		kb->pending[c] = coerce_value(kb, c, d, TupleDescAttr(tupdesc, found)->atttypid);
	}
	ReleaseTupleDesc(tupdesc);
	push_key(kb);
}

/* collect_jsonb reads a jsonb scalar, object, or (at the top) array. */
static void
collect_jsonb(KeyBuilder *kb, Jsonb *jb, bool top)
{
	if (JB_ROOT_IS_SCALAR(jb))
	{
		JsonbValue	v;

		JsonbExtractScalar(&jb->root, &v);
		collect_jsonb_value(kb, &v);
	}
	else if (JB_ROOT_IS_OBJECT(jb))
		collect_jsonb_object(kb, &jb->root);
	else
	{
		JsonbIterator *it;
		JsonbValue	v;
		JsonbIteratorToken tok;
		int			i = 0;

		if (!top)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s%s: nested arrays cannot identify rows", kb->what, where(kb))));
		it = JsonbIteratorInit(&jb->root);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			if (tok != WJB_ELEM)
				continue;
			CHECK_FOR_INTERRUPTS();
			kb->position = i++;
			collect_jsonb_value(kb, &v);
		}
		kb->position = -1;
	}
}

/* collect_jsonb_value takes one array element or the scalar root. */
static void
collect_jsonb_value(KeyBuilder *kb, JsonbValue *v)
{
	const ColumnSet *cols = kb->keys->columns;

	if (v->type == jbvBinary)
	{
		if (!JsonContainerIsObject(v->val.binary.data))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s%s: nested arrays cannot identify rows", kb->what, where(kb))));
		collect_jsonb_object(kb, v->val.binary.data);
		return;
	}
	if (cols->ncols != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s%s: a scalar cannot identify a row by a key of %d columns",
						kb->what, where(kb), cols->ncols),
				 errhint("Pass an object of the key columns, such as {\"%s\": ..., \"%s\": ...}.",
						 cols->names[0], cols->names[1])));
	kb->pending[0] = input_value(kb, 0, jsonb_scalar_text(kb, v, cols->names[0]));
	push_key(kb);
}

/* collect_jsonb_object reads the key columns from an object's fields. */
static void
collect_jsonb_object(KeyBuilder *kb, JsonbContainer *object)
{
	const ColumnSet *cols = kb->keys->columns;
	int			c;

	for (c = 0; c < cols->ncols; c++)
	{
		JsonbValue *v = getKeyJsonValueFromContainer(object, cols->names[c],
													 strlen(cols->names[c]), NULL);

		if (v == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s%s: the object has no field \"%s\"",
							kb->what, where(kb), cols->names[c]),
					 errhint("An object identifies a row by its key columns, as fields named like the columns.")));
		kb->pending[c] = input_value(kb, c, jsonb_scalar_text(kb, v, cols->names[c]));
	}
	push_key(kb);
}

/*
 * keys_jsonb_text: the text a jsonb value stands for, for a type's input
 * function: strings as they are, numbers and booleans as written, objects
 * and arrays as JSON text (for json/jsonb columns); NULL for null.
 */
char *
keys_jsonb_text(JsonbValue *v)
{
	switch (v->type)
	{
		case jbvString:
			return pnstrdup(v->val.string.val, v->val.string.len);
		case jbvNumeric:
			return DatumGetCString(DirectFunctionCall1(numeric_out,
													   NumericGetDatum(v->val.numeric)));
		case jbvBool:
			return pstrdup(v->val.boolean ? "true" : "false");
		case jbvBinary:
			return JsonbToCString(NULL, v->val.binary.data, v->val.binary.len);
		default:
			return NULL;
	}
}

/*
 * keys_jsonb_value: a jsonb value (not null) as a value of `type`, read by
 * the type's input function with typmod (so a bad value is the type's own
 * error).  The one conversion of a jsonb value to a typed value: keys,
 * query values and write data all go through it.
 */
Datum
keys_jsonb_value(JsonbValue *v, Oid type, int32 typmod)
{
	Oid			infunc;
	Oid			ioparam;
	char	   *text = keys_jsonb_text(v);

	Assert(text != NULL);
	getTypeInputInfo(type, &infunc, &ioparam);
	return OidInputFunctionCall(infunc, text, ioparam, typmod);
}

/* jsonb_scalar_text is the text a jsonb scalar key stands for. */
static char *
jsonb_scalar_text(KeyBuilder *kb, JsonbValue *v, const char *column)
{
	switch (v->type)
	{
		case jbvString:
		case jbvNumeric:
		case jbvBool:
			return keys_jsonb_text(v);
		case jbvNull:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s%s: key column \"%s\" must not be null",
							kb->what, where(kb), column)));
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s%s: key column \"%s\" must be a scalar",
							kb->what, where(kb), column)));
	}
	return NULL;				/* keep compiler quiet */
}

/* input_value reads text with the input function of column col's type. */
static Datum
input_value(KeyBuilder *kb, int col, char *text)
{
	const ColumnSet *cols = kb->keys->columns;

	return InputFunctionCall(&kb->input[col], text, kb->ioparam[col],
							 cols->typmods[col]);
}

/*
 * coerce_value turns a value of `type` into one of column col's type.
 * The way to do it is prepared once per source type and column.
 */
static Datum
coerce_value(KeyBuilder *kb, int col, Datum value, Oid type)
{
	const ColumnSet *cols = kb->keys->columns;
	ColumnCoercion *co = &kb->coercion[col];

	if (co->srctype != type)
	{
		Oid			target = cols->types[col];

		co->srctype = type;
		if (type == target)
			co->mode = COERCE_SAME;
		else if (type == UNKNOWNOID || type == CSTRINGOID ||
				 TypeCategory(getBaseType(type)) == TYPCATEGORY_STRING)
			co->mode = COERCE_INPUT;
		else if (getBaseType(type) == NUMERICOID || getBaseType(type) == FLOAT4OID ||
				 getBaseType(type) == FLOAT8OID)
		{
			/* read its text, as for jsonb numbers: 2.6 names no integer key */
			co->mode = COERCE_INPUT;
		}
		else
		{
			Param	   *param = makeNode(Param);
			Node	   *expr;

			param->paramkind = PARAM_EXTERN;
			param->paramid = 1;
			param->paramtype = type;
			param->paramtypmod = -1;
			param->paramcollid = get_typcollation(type);
			param->location = -1;
			expr = coerce_to_target_type(NULL, (Node *) param, type,
										 target, cols->typmods[col],
										 COERCION_ASSIGNMENT,
										 COERCE_IMPLICIT_CAST, -1);
			if (expr == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("%s%s: a value of type %s cannot identify a row by column \"%s\" of type %s",
								kb->what, where(kb), format_type_be(type),
								cols->names[col], format_type_be(target)),
						 errhint("Pass a value of type %s, or text.", format_type_be(target))));
			co->mode = COERCE_CAST;
			co->params = makeParamList(1);
			co->params->params[0].ptype = type;
			co->params->params[0].pflags = PARAM_FLAG_CONST;
			co->params->params[0].isnull = false;
			co->cast = ExecInitExprWithParams((Expr *) expression_planner((Expr *) expr),
											  co->params);
			if (kb->econtext == NULL)
				kb->econtext = CreateStandaloneExprContext();
		}
	}

	switch (co->mode)
	{
		case COERCE_SAME:
			return value;
		case COERCE_INPUT:
			{
				char	   *text;

				if (type == UNKNOWNOID || type == CSTRINGOID)
					text = DatumGetCString(value);
				else
				{
					Oid			outfunc;
					bool		isvarlena;

					getTypeOutputInfo(type, &outfunc, &isvarlena);
					text = OidOutputFunctionCall(outfunc, value);
				}
				return input_value(kb, col, text);
			}
		case COERCE_CAST:
			{
				bool		isnull;
				Datum		result;
				int16		typlen;
				bool		typbyval;

				co->params->params[0].value = value;
				kb->econtext->ecxt_param_list_info = co->params;
				result = ExecEvalExprSwitchContext(co->cast, kb->econtext, &isnull);
				if (isnull)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("%s%s: key column \"%s\" must not be null",
									kb->what, where(kb), cols->names[col])));
				get_typlenbyval(cols->types[col], &typlen, &typbyval);
				result = datumCopy(result, typbyval, typlen);
				ResetExprContext(kb->econtext);
				return result;
			}
	}
	return value;				/* keep compiler quiet */
}

/* push_key appends the pending key to the list. */
static void
push_key(KeyBuilder *kb)
{
	KeyList    *keys = kb->keys;
	int			c;

	if (keys->nkeys == kb->capacity)
	{
		kb->capacity *= 2;
		for (c = 0; c < keys->columns->ncols; c++)
			keys->values[c] = repalloc_huge(keys->values[c],
											sizeof(Datum) * kb->capacity);
	}
	for (c = 0; c < keys->columns->ncols; c++)
		keys->values[c][keys->nkeys] = kb->pending[c];
	keys->nkeys++;
}

/* keys_column_names lists the key columns for a message: "a, b". */
char *
keys_column_names(const ColumnSet *cols)
{
	StringInfoData buf;
	int			c;

	initStringInfo(&buf);
	for (c = 0; c < cols->ncols; c++)
		appendStringInfo(&buf, "%s%s", c ? ", " : "", quote_identifier(cols->names[c]));
	return buf.data;
}

/* where is "[i]" inside an array argument, else empty, for messages. */
static char *
where(KeyBuilder *kb)
{
	return kb->position >= 0 ? psprintf("[%d]", kb->position) : "";
}

/*
 * keys_format renders key i as "(a, b)=(1, 2)", as PostgreSQL shows keys.
 */
char *
keys_format(const KeyList *keys, int i)
{
	const ColumnSet *cols = keys->columns;
	StringInfoData buf;
	int			c;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '(');
	for (c = 0; c < cols->ncols; c++)
		appendStringInfo(&buf, "%s%s", c ? ", " : "", quote_identifier(cols->names[c]));
	appendStringInfoString(&buf, ")=(");
	for (c = 0; c < cols->ncols; c++)
	{
		Oid			outfunc;
		bool		isvarlena;

		getTypeOutputInfo(cols->types[c], &outfunc, &isvarlena);
		appendStringInfo(&buf, "%s%s", c ? ", " : "",
						 OidOutputFunctionCall(outfunc, keys->values[c][i]));
	}
	appendStringInfoChar(&buf, ')');
	return buf.data;
}

/*
 * value_jsonb is to_jsonb(value) for a value of the given type: to_jsonb
 * learns its argument's type from the call expression, so give it one.
 */
static Jsonb *
value_jsonb(Oid type, Datum value)
{
	FmgrInfo	flinfo;

	fmgr_info(F_TO_JSONB, &flinfo);
	flinfo.fn_expr = (Node *) makeFuncExpr(F_TO_JSONB, JSONBOID,
										   list_make1(makeNullConst(type, -1, InvalidOid)),
										   InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL);
	return DatumGetJsonbP(FunctionCall1(&flinfo, value));
}

/*
 * keys_json returns key i as jsonb, as the statements write keys in
 * results (append_key_json in sqlbuild.c): the value of a one-column key,
 * else an object of the key's columns.
 */
Jsonb *
keys_json(const KeyList *keys, int i)
{
	const ColumnSet *cols = keys->columns;
	JsonbParseState *state = NULL;
	JsonbValue	v;
	int			c;

	if (cols->ncols == 1)
		return value_jsonb(cols->types[0], keys->values[0][i]);
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (c = 0; c < cols->ncols; c++)
	{
		Jsonb	   *value = value_jsonb(cols->types[c], keys->values[c][i]);

		v.type = jbvString;
		v.val.string.val = cols->names[c];
		v.val.string.len = strlen(cols->names[c]);
		pushJsonbValue(&state, WJB_KEY, &v);
		v.type = jbvBinary;
		v.val.binary.data = &value->root;
		v.val.binary.len = VARSIZE(value) - VARHDRSZ;
		pushJsonbValue(&state, WJB_VALUE, &v);
	}
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/*
 * keys_column_array returns column col of all keys as one SQL array, the
 * parameter of a statement prepared in SHAPE_MANY.
 */
Datum
keys_column_array(const KeyList *keys, int col)
{
	Oid			type = keys->columns->types[col];
	int16		typlen;
	bool		typbyval;
	char		typalign;

	get_typlenbyvalalign(type, &typlen, &typbyval, &typalign);
	return PointerGetDatum(construct_array(keys->values[col], keys->nkeys,
										   type, typlen, typbyval, typalign));
}

/* ---- reading jsonb input (the parsers of queries and write data) ---- */

/* jsonb_value_equals: a JsonbValue string equals a C string. */
bool
jsonb_value_equals(JsonbValue *v, const char *s)
{
	return v->type == jbvString && strlen(s) == v->val.string.len &&
		strncmp(v->val.string.val, s, v->val.string.len) == 0;
}

/* jsonb_value_string: a JsonbValue string as a C string. */
char *
jsonb_value_string(JsonbValue *v)
{
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* jsonb_value_is_object: a (binary) JsonbValue holds an object. */
bool
jsonb_value_is_object(JsonbValue *v)
{
	return v != NULL && v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data);
}

/* jsonb_value_is_array: a (binary) JsonbValue holds an array. */
bool
jsonb_value_is_array(JsonbValue *v)
{
	return v != NULL && v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data);
}

/* jsonb_object_field: the value of key in an object container, or NULL. */
JsonbValue *
keys_jsonb_field(JsonbContainer *object, const char *key)
{
	if (object == NULL)
		return NULL;
	return getKeyJsonValueFromContainer(object, key, strlen(key), NULL);
}

/*
 * keys_type_has_aggregate: whether pg_catalog.<name>(type) resolves to an
 * aggregate, as the parser would resolve it (with implicit casts and
 * polymorphic aggregates): min and max exist for ordered types, not for
 * boolean, json or point, say.
 */
bool
keys_type_has_aggregate(const char *name, Oid type)
{
	Oid			funcid;
	Oid			rettype;
	bool		retset;
	int			nvargs;
	Oid			vatype;
	Oid		   *true_types;

	return func_get_detail(list_make2(makeString(pstrdup("pg_catalog")),
									  makeString(pstrdup(name))),
						   NIL, NIL, 1, &type, false, false, false,
						   &funcid, &rettype, &retset, &nvargs, &vatype,
						   &true_types, NULL) == FUNCDETAIL_AGGREGATE;
}
