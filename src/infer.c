/*-------------------------------------------------------------------------
 *
 * infer.c
 *	  The columns of a relation, found in the system catalogs: foreign-key
 *	  constraints between two tables and the junction between them.
 *
 * Omitted columns are inferred from foreign-key constraints and naming:
 *	1. the single foreign key between the two tables (not counting one
 *	   already used by the other side of a junction);
 *	2. else the one among several whose only column is named <name>_id
 *	   (belongs_to), <source table>_id (has_one, has_many, a junction's
 *	   source side) or <target table>_id (a junction's target side);
 *	3. else, with no foreign key at all, a column so named;
 *	`references` defaults to the foreign key's referenced columns, else the
 *	referenced table's primary key.  A junction is the one table with
 *	foreign keys to both sides, else the table <source>_<name>.
 *
 * For relorm_infer (register.c names and registers): the foreign keys of
 * a schema's tables, in a fixed order, and which tables are junctions (a
 * primary key, or else a unique constraint over NOT NULL columns, that is
 * exactly the columns of two of the table's foreign keys).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "infer.h"
#include "metadata.h"

/* A foreign-key constraint found between two tables. */
typedef struct ForeignKey
{
	char	   *name;
	ColumnSet	referencing;
	ColumnSet	referenced;
} ForeignKey;

/*
 * columns_by_name resolves a text[] of column names of relid (42703 for an
 * unknown one).
 */
static void
columns_by_name(ColumnSet *cols, Oid relid, ArrayType *names, const char *argname)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			i;

	deconstruct_array(names, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (n < 1 || n > RELORM_MAX_KEY_COLUMNS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must name between 1 and %d columns", argname,
						RELORM_MAX_KEY_COLUMNS)));
	cols->ncols = n;
	for (i = 0; i < n; i++)
	{
		char	   *name;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain nulls", argname)));
		name = TextDatumGetCString(elems[i]);
		cols->attnums[i] = get_attnum(relid, name);
		if (cols->attnums[i] <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of table \"%s\" does not exist",
							name, get_rel_name(relid)),
					 errhint("%s names columns of table \"%s\".", argname,
							 get_rel_name(relid))));
	}
	columnset_fill(cols, relid);
}

/*
 * foreign_keys lists the foreign-key constraints of `referencing` that
 * reference `referenced` (inherited clones on partitions excluded).
 */
static List *
foreign_keys(Oid referencing, Oid referenced)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	List	   *result = NIL;

	rel = table_open(ConstraintRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_constraint_conrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(referencing));
	scan = systable_beginscan(rel, ConstraintRelidTypidNameIndexId, true,
							  NULL, 1, &key);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tuple);
		ForeignKey *fk;

		if (con->contype != CONSTRAINT_FOREIGN || con->confrelid != referenced ||
			OidIsValid(con->conparentid))
			continue;
		fk = palloc0(sizeof(ForeignKey));
		fk->name = pstrdup(NameStr(con->conname));
		DeconstructFkConstraintRow(tuple, &fk->referencing.ncols,
								   fk->referencing.attnums,
								   fk->referenced.attnums, NULL, NULL, NULL,
								   NULL, NULL);
		fk->referenced.ncols = fk->referencing.ncols;
		columnset_fill(&fk->referencing, referencing);
		columnset_fill(&fk->referenced, referenced);
		result = lappend(result, fk);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return result;
}

/*
 * check_unique: the referenced columns of a relation must be covered by a
 * unique index on exactly those columns, as for a foreign key.
 */
static void
check_unique(Oid relid, const ColumnSet *cols)
{
	if (!table_unique_index(relid, cols, true, false))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FOREIGN_KEY),
				 errmsg("there is no unique constraint matching given keys for referenced table \"%s\"",
						get_rel_name(relid)),
				 errhint("A relation references a primary key or unique columns; pass \"references\" or add a unique constraint.")));
}

/*
 * infer_foreign_key finds the columns of a foreign key from `fk_table`
 * to `ref_table` (see the rules at the top of this file).  The caller checks that the
 * two sides can be compared (deparse_check_comparable).  given_fk and
 * given_ref are the caller's column names or NULL; naming is the column
 * name to look for; exclude is a foreign key already taken (or NULL).
 * argname names the argument to give in hints.
 */
void
infer_foreign_key(Oid fk_table, Oid ref_table, ArrayType *given_fk,
					ArrayType *given_ref, const char *naming,
					const ColumnSet *exclude, const char *argname,
					ColumnSet *fkcols, ColumnSet *refcols)
{
	List	   *fks = foreign_keys(fk_table, ref_table);
	List	   *candidates = NIL;
	ForeignKey *chosen = NULL;
	ListCell   *lc;

	memset(fkcols, 0, sizeof(ColumnSet));
	memset(refcols, 0, sizeof(ColumnSet));
	if (given_ref)
		columns_by_name(refcols, ref_table, given_ref, "references");

	if (given_fk)
	{
		columns_by_name(fkcols, fk_table, given_fk, argname);
		foreach(lc, fks)
		{
			ForeignKey *fk = lfirst(lc);

			if (columnset_equal(&fk->referencing, fkcols) &&
				(!given_ref || columnset_equal(&fk->referenced, refcols)))
				chosen = fk;
		}
	}
	else
	{
		foreach(lc, fks)
		{
			ForeignKey *fk = lfirst(lc);

			if (exclude && columnset_equal(&fk->referencing, exclude))
				continue;
			if (given_ref && !columnset_equal(&fk->referenced, refcols))
				continue;
			candidates = lappend(candidates, fk);
		}
		if (list_length(candidates) == 1)
			chosen = linitial(candidates);
		else
		{
			AttrNumber	named = get_attnum(fk_table, naming);

			foreach(lc, candidates)
			{
				ForeignKey *fk = lfirst(lc);

				if (fk->referencing.ncols == 1 && fk->referencing.attnums[0] == named)
					chosen = fk;
			}
			if (chosen == NULL && list_length(candidates) > 1)
			{
				StringInfoData names;

				initStringInfo(&names);
				foreach(lc, candidates)
					appendStringInfo(&names, "%s%s", names.len ? ", " : "",
									 ((ForeignKey *) lfirst(lc))->name);
				ereport(ERROR,
						(errcode(ERRCODE_AMBIGUOUS_COLUMN),
						 errmsg("table \"%s\" has %d foreign keys to table \"%s\": %s",
								get_rel_name(fk_table), list_length(candidates),
								get_rel_name(ref_table), names.data),
						 errhint("Pass %s => ARRAY['column', ...] to choose one.", argname)));
			}
			if (chosen == NULL)
			{
				if (named <= 0 || (exclude && exclude->ncols == 1 &&
								   exclude->attnums[0] == named))
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_FOREIGN_KEY),
							 errmsg("could not infer a foreign key from table \"%s\" to table \"%s\"",
									get_rel_name(fk_table), get_rel_name(ref_table)),
							 errdetail("There is no foreign key constraint between them and no column \"%s\".",
									   naming),
							 errhint("Pass %s => ARRAY['column', ...].", argname)));
				fkcols->ncols = 1;
				fkcols->attnums[0] = named;
				columnset_fill(fkcols, fk_table);
			}
		}
		if (chosen)
			*fkcols = chosen->referencing;
	}

	if (refcols->ncols == 0)
	{
		if (chosen)
			*refcols = chosen->referenced;
		else if (!table_primary_key(ref_table, refcols))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_FOREIGN_KEY),
					 errmsg("table \"%s\" has no primary key to reference",
							get_rel_name(ref_table)),
					 errhint("Pass \"references\" => ARRAY['column', ...].")));
	}

	if (fkcols->ncols != refcols->ncols)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FOREIGN_KEY),
				 errmsg("number of referencing and referenced columns must match"),
				 errdetail("%s names %d columns of table \"%s\"; table \"%s\" is referenced by %d.",
						   argname, fkcols->ncols, get_rel_name(fk_table),
						   get_rel_name(ref_table), refcols->ncols)));
	if (!chosen)
		check_unique(ref_table, refcols);
}

/*
 * infer_junction finds the one table with foreign keys to both source and
 * target (two to the same table for a self-referencing relation), else the
 * table <source>_<name> in the source's schema.
 */
Oid
infer_junction(Oid source, Oid target, const char *name)
{
	Relation	rel;
	SysScanDesc scan;
	HeapTuple	tuple;
	List	   *tables = NIL;	/* conrelid of each candidate FK */
	List	   *to_source = NIL;
	List	   *to_target = NIL;
	List	   *candidates = NIL;
	ListCell   *lc;
	Oid			named;

	rel = table_open(ConstraintRelationId, AccessShareLock);
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tuple);

		if (con->contype != CONSTRAINT_FOREIGN || OidIsValid(con->conparentid) ||
			con->conrelid == source || con->conrelid == target)
			continue;
		if (con->confrelid == source)
			to_source = lappend_oid(to_source, con->conrelid);
		else if (con->confrelid == target)
			to_target = lappend_oid(to_target, con->conrelid);
		else
			continue;
		tables = list_append_unique_oid(tables, con->conrelid);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);

	foreach(lc, tables)
	{
		Oid			t = lfirst_oid(lc);
		int			n_source = 0;
		int			n_target = 0;
		ListCell   *lc2;

		foreach(lc2, to_source)
			n_source += lfirst_oid(lc2) == t;
		foreach(lc2, to_target)
			n_target += lfirst_oid(lc2) == t;
		if (source == target ? n_source >= 2 : (n_source >= 1 && n_target >= 1))
			candidates = lappend_oid(candidates, t);
	}

	named = get_relname_relid(psprintf("%s_%s", get_rel_name(source), name),
							  get_rel_namespace(source));
	if (list_length(candidates) == 1)
		return linitial_oid(candidates);
	if (OidIsValid(named) && (candidates == NIL || list_member_oid(candidates, named)))
		return named;
	if (candidates == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("could not infer the junction table between \"%s\" and \"%s\"",
						get_rel_name(source), get_rel_name(target)),
				 errdetail("No table has foreign keys to both, and there is no table \"%s_%s\".",
						   get_rel_name(source), name),
				 errhint("Pass junction => 'table'.")));
	else
	{
		StringInfoData names;

		initStringInfo(&names);
		foreach(lc, candidates)
			appendStringInfo(&names, "%s%s", names.len ? ", " : "",
							 get_rel_name(lfirst_oid(lc)));
		ereport(ERROR,
				(errcode(ERRCODE_AMBIGUOUS_COLUMN),
				 errmsg("%d tables could be the junction between \"%s\" and \"%s\": %s",
						list_length(candidates), get_rel_name(source),
						get_rel_name(target), names.data),
				 errhint("Pass junction => 'table'.")));
	}
	return InvalidOid;			/* keep compiler quiet */
}

/* compare_foreign_keys: order by referencing table name, then constraint name. */
static int
compare_foreign_keys(const ListCell *a, const ListCell *b)
{
	const SchemaForeignKey *x = lfirst(a);
	const SchemaForeignKey *y = lfirst(b);
	int			c = strcmp(x->table_name, y->table_name);

	return c != 0 ? c : strcmp(x->name, y->name);
}

/*
 * infer_schema_foreign_keys lists the foreign keys of the tables of schema
 * nsp (partitions' inherited clones excluded), ordered by table name and
 * constraint name, so that what relorm_infer derives from them is the
 * same on every run.
 */
List *
infer_schema_foreign_keys(Oid nsp)
{
	Relation	rel;
	SysScanDesc scan;
	HeapTuple	tuple;
	List	   *result = NIL;

	rel = table_open(ConstraintRelationId, AccessShareLock);
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tuple);
		SchemaForeignKey *fk;

		if (con->contype != CONSTRAINT_FOREIGN || OidIsValid(con->conparentid) ||
			get_rel_namespace(con->conrelid) != nsp ||
			get_rel_relispartition(con->conrelid))
			continue;
		fk = palloc0(sizeof(SchemaForeignKey));
		fk->name = pstrdup(NameStr(con->conname));
		fk->table = con->conrelid;
		fk->referenced_table = con->confrelid;
		fk->table_name = get_rel_name(con->conrelid);
		DeconstructFkConstraintRow(tuple, &fk->referencing.ncols,
								   fk->referencing.attnums,
								   fk->referenced.attnums, NULL, NULL, NULL,
								   NULL, NULL);
		fk->referenced.ncols = fk->referencing.ncols;
		columnset_fill(&fk->referencing, fk->table);
		columnset_fill(&fk->referenced, fk->referenced_table);
		result = lappend(result, fk);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	list_sort(result, compare_foreign_keys);
	return result;
}

/* columns_disjoint: do a and b share no column? */
static bool
columns_disjoint(const ColumnSet *a, const ColumnSet *b)
{
	int			i;
	int			j;

	for (i = 0; i < a->ncols; i++)
		for (j = 0; j < b->ncols; j++)
			if (a->attnums[i] == b->attnums[j])
				return false;
	return true;
}

/* same_column_set: do a and b hold the same columns, in any order? */
static bool
same_column_set(const ColumnSet *a, const ColumnSet *b)
{
	int			i;
	int			j;

	if (a->ncols != b->ncols)
		return false;
	for (i = 0; i < a->ncols; i++)
	{
		bool		found = false;

		for (j = 0; j < b->ncols; j++)
			found |= a->attnums[i] == b->attnums[j];
		if (!found)
			return false;
	}
	return true;
}

/*
 * infer_is_junction: is the table of two foreign keys a and b (of the same
 * table, columns disjoint) a junction?  It is when its primary key is
 * exactly their columns together - or, without a primary key, a unique
 * constraint over NOT NULL columns is (Prisma's and Rails' join tables
 * may have a unique index and no primary key).  A table with a surrogate
 * key ("id") beside the two foreign keys is not: it is an entity of its
 * own, and gets belongs_to / has_many relations only.
 */
bool
infer_is_junction(const SchemaForeignKey *a, const SchemaForeignKey *b)
{
	ColumnSet	pair;
	ColumnSet	pk;
	int			i;

	if (a->table != b->table || !columns_disjoint(&a->referencing, &b->referencing) ||
		a->referencing.ncols + b->referencing.ncols > RELORM_MAX_KEY_COLUMNS)
		return false;
	memset(&pair, 0, sizeof(pair));
	for (i = 0; i < a->referencing.ncols; i++)
		pair.attnums[pair.ncols++] = a->referencing.attnums[i];
	for (i = 0; i < b->referencing.ncols; i++)
		pair.attnums[pair.ncols++] = b->referencing.attnums[i];
	columnset_fill(&pair, a->table);
	if (table_primary_key(a->table, &pk))
		return same_column_set(&pk, &pair);
	for (i = 0; i < pair.ncols; i++)
		if (!pair.notnull[i])
			return false;
	return table_unique_index(a->table, &pair, true, false);
}

/*
 * infer_referenced_key: the columns a created foreign key references: the
 * given names, else the primary key of ref_table (42P10 when it has none).
 */
void
infer_referenced_key(Oid ref_table, ArrayType *given_ref, ColumnSet *refcols)
{
	memset(refcols, 0, sizeof(ColumnSet));
	if (given_ref)
		columns_by_name(refcols, ref_table, given_ref, "references");
	else if (!table_primary_key(ref_table, refcols))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FOREIGN_KEY),
				 errmsg("table \"%s\" has no primary key to reference",
						get_rel_name(ref_table)),
				 errhint("Pass \"references\" => ARRAY['column', ...].")));
	else
		check_unique(ref_table, refcols);
}

/*
 * infer_has_foreign_key: has fk_table a foreign key whose columns are
 * exactly fkcols, referencing refcols of ref_table?
 */
bool
infer_has_foreign_key(Oid fk_table, const ColumnSet *fkcols, Oid ref_table,
					  const ColumnSet *refcols)
{
	ListCell   *lc;

	foreach(lc, foreign_keys(fk_table, ref_table))
	{
		ForeignKey *fk = lfirst(lc);

		if (columnset_equal(&fk->referencing, fkcols) &&
			columnset_equal(&fk->referenced, refcols))
			return true;
	}
	return false;
}
