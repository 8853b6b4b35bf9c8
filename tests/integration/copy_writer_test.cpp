// db::copy_writer sends COPY rows in chunks of about 64 KiB: what PostgreSQL stores must be
// row for row what was written, across chunk edges, for empty rows and escaped text alike.
#include "test_database.hpp"

#include "db/copy_writer.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <string>
#include <vector>

using linkledger::testing::scratch_database;

TEST(copy_writer, stores_every_row_across_chunks_including_empty_and_escaped_ones)
{
    scratch_database db("copy_writer");
    db.execute("CREATE TABLE copied (n integer NOT NULL, value text NOT NULL)");
    db.execute("CREATE TABLE one_column (value text NOT NULL)");
    pqxx::connection conn(db.url());
    std::vector<std::string> values;
    {
        pqxx::work tx(conn);
        linkledger::db::copy_writer two(tx, "copied", {"n", "value"});
        std::string line;
        // About 300 KiB: several chunks, rows of every length from 0 up.
        for (int i = 0; i < 3000; ++i) {
            std::string value(static_cast<std::size_t>(i % 200), static_cast<char>('a' + i % 26));
            if (i % 7 == 0)
                value += "\ttab\nnewline\\backslash";
            values.push_back(value);
            line = std::to_string(i) + '\t';
            linkledger::db::append_copy_field(line, value);
            line.pop_back(); // append_copy_field ends with the tab that would begin a next field
            two.write_line(line);
        }
        two.complete();
        tx.commit();
    }
    EXPECT_EQ(db.query_value("SELECT count(*) FROM copied"), "3000");
    pqxx::work tx(conn);
    auto const rows = tx.exec("SELECT n, value FROM copied ORDER BY n");
    ASSERT_EQ(rows.size(), values.size());
    for (std::size_t i = 0; i < values.size(); ++i)
        ASSERT_EQ(rows[static_cast<pqxx::result::size_type>(i)][1].as<std::string>(), values[i]) << "row " << i;
    tx.commit();

    // A row of one empty field is an empty line: first, in the middle and last of a chunk.
    {
        pqxx::work one(conn);
        linkledger::db::copy_writer writer(one, "one_column", {"value"});
        for (auto const* v : {"", "x", "", "", "y", ""})
            writer.write_line(v);
        writer.complete();
        one.commit();
    }
    EXPECT_EQ(db.query_value("SELECT string_agg(CASE WHEN value = '' THEN '_' ELSE value END, ',' ORDER BY ctid) "
                             "FROM one_column"),
              "_,x,_,_,y,_");
}
