-- A date from BCN/ACCE CSV (`dd/mm/yyyy`) or API (`yyyy-mm-dd hh:mm:ss`) text, else null.
create or replace macro date_parse(x) as
    try_strptime(
        trim(x),
        ['%d/%m/%Y', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d', '%d/%m/%Y %H:%M:%S', '%Y-%m-%dT%H:%M:%S']
    )::date
