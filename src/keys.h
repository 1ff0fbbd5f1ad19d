/*-------------------------------------------------------------------------
 *
 * keys.h
 *	  Arguments and jsonb values turned into typed values (keys.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELORM_KEYS_H
#define RELORM_KEYS_H

#include "relorm.h"

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

extern KeyList *keys_from_argument(FunctionCallInfo fcinfo, int argno,
								   const ColumnSet *columns,
								   const char *what, bool single);
extern KeyList *keys_from_jsonb(Jsonb *jb, const ColumnSet *columns,
								const char *what);
extern KeyList *keys_with_pivots(FunctionCallInfo fcinfo, int argno,
								 const ColumnSet *columns, const char *what,
								 bool single, Jsonb ***pivots);
extern char *keys_format(const KeyList *keys, int i);
extern char *keys_column_names(const ColumnSet *cols);
extern Jsonb *keys_json(const KeyList *keys, int i);
extern Datum keys_column_array(const KeyList *keys, int col);

/* jsonb values */
extern char *keys_jsonb_text(JsonbValue *v);
extern Datum keys_jsonb_value(JsonbValue *v, Oid type, int32 typmod);

/* what a column's type takes */
extern bool keys_type_has_aggregate(const char *name, Oid type);

/* reading jsonb input */
extern bool jsonb_value_equals(JsonbValue *v, const char *s);
extern char *jsonb_value_string(JsonbValue *v);
extern bool jsonb_value_is_object(JsonbValue *v);
extern bool jsonb_value_is_array(JsonbValue *v);
extern JsonbValue *keys_jsonb_field(JsonbContainer *object, const char *key);

#endif							/* RELORM_KEYS_H */
