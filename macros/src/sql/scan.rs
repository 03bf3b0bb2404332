//! A small SQLite lexer: enough to find placeholders, keywords and statement boundaries while
//! skipping string literals, quoted identifiers and comments (a `?` inside `'...'` is text).

/// How a placeholder was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PlaceholderStyle {
    /// `?`: the next index.
    Anonymous,
    /// `?N`: index N.
    Numbered,
    /// `:name`, `@name`, `$name`: bound by name.
    Named(String),
}

/// One placeholder occurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Placeholder {
    /// The text as written (`?`, `?2`, `:id`).
    pub(crate) text: String,
    pub(crate) style: PlaceholderStyle,
    /// The 1-based parameter index SQLite gives it.
    pub(crate) index: usize,
}

/// The kind of a statement, from its leading keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// SELECT or VALUES (also through WITH): returns rows.
    Query,
    /// INSERT, REPLACE, UPDATE, DELETE; `returning` when it has a RETURNING clause.
    Write { returning: bool },
    /// CREATE, DROP, ALTER.
    Schema,
    /// PRAGMA, EXPLAIN, BEGIN, ... : not checked against the return type.
    Other,
}

impl Kind {
    pub(crate) fn returns_rows(self) -> Option<bool> {
        match self {
            Kind::Query => Some(true),
            Kind::Write { returning } => Some(returning),
            Kind::Schema => Some(false),
            Kind::Other => None,
        }
    }
}

/// What a scan found.
#[derive(Debug, Clone)]
pub(crate) struct Scan {
    pub(crate) placeholders: Vec<Placeholder>,
    /// The statement's leading keyword, upper case (`SELECT`), if any.
    pub(crate) keyword: Option<String>,
    pub(crate) kind: Kind,
    /// Text after the first `;` that is more than white space and comments.
    pub(crate) trailing_statement: Option<String>,
    /// A string literal, quoted identifier or comment that never ends.
    pub(crate) unterminated: Option<&'static str>,
}

impl Scan {
    /// The number of parameters SQLite will report: the largest index used.
    pub(crate) fn parameter_count(&self) -> usize {
        self.placeholders.iter().map(|p| p.index).max().unwrap_or(0)
    }
}

#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    Open,
    Close,
    Semicolon,
    Placeholder(Placeholder),
    Other,
}

/// Lexes `sql` and numbers its placeholders as SQLite does: `?N` is N; `?` is one more than the
/// largest index so far; a name gets one more than the largest index the first time it appears
/// and the same index afterwards.
pub(crate) fn scan(sql: &str) -> Scan {
    let mut lexer = Lexer {
        chars: sql.char_indices().peekable(),
        src: sql,
        max_index: 0,
        names: Vec::new(),
        unterminated: None,
    };
    let mut tokens = Vec::new();
    let mut trailing_statement = None;
    while let Some(token) = lexer.next_token() {
        if token == Token::Semicolon {
            let rest = lexer.rest();
            if has_content(rest) {
                trailing_statement = Some(rest.trim().to_owned());
            }
            break;
        }
        tokens.push(token);
    }
    let keyword = tokens.iter().find_map(|t| match t {
        Token::Word(w) => Some(w.to_ascii_uppercase()),
        _ => None,
    });
    let kind = kind(&tokens);
    let placeholders = tokens
        .into_iter()
        .filter_map(|t| match t {
            Token::Placeholder(p) => Some(p),
            _ => None,
        })
        .collect();
    Scan {
        placeholders,
        keyword,
        kind,
        trailing_statement,
        unterminated: lexer.unterminated,
    }
}

/// Whether `rest` holds anything but white space, comments and further `;`.
fn has_content(rest: &str) -> bool {
    let mut lexer = Lexer {
        chars: rest.char_indices().peekable(),
        src: rest,
        max_index: 0,
        names: Vec::new(),
        unterminated: None,
    };
    std::iter::from_fn(|| lexer.next_token()).any(|t| t != Token::Semicolon)
}

fn kind(tokens: &[Token]) -> Kind {
    let mut depth = 0usize;
    let mut leading: Option<String> = None;
    let mut returning = false;
    let mut after_with = false;
    for token in tokens {
        match token {
            Token::Open => depth += 1,
            Token::Close => depth = depth.saturating_sub(1),
            Token::Word(w) if depth == 0 => {
                let w = w.to_ascii_uppercase();
                if w == "RETURNING" {
                    returning = true;
                }
                match &leading {
                    None if w == "WITH" => {
                        leading = Some(w);
                        after_with = true;
                    }
                    None => leading = Some(w),
                    // After the CTEs of a WITH, the first top-level statement keyword decides.
                    Some(_) if after_with && is_statement_keyword(&w) => {
                        leading = Some(w);
                        after_with = false;
                    }
                    Some(_) => {}
                }
            }
            _ => {}
        }
    }
    match leading.as_deref() {
        Some("SELECT" | "VALUES") => Kind::Query,
        Some("INSERT" | "REPLACE" | "UPDATE" | "DELETE") => Kind::Write { returning },
        Some("CREATE" | "DROP" | "ALTER") => Kind::Schema,
        _ => Kind::Other,
    }
}

fn is_statement_keyword(w: &str) -> bool {
    matches!(
        w,
        "SELECT" | "VALUES" | "INSERT" | "REPLACE" | "UPDATE" | "DELETE"
    )
}

struct Lexer<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    src: &'a str,
    max_index: usize,
    names: Vec<(String, usize)>,
    unterminated: Option<&'static str>,
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$' || !c.is_ascii()
}

impl Lexer<'_> {
    fn rest(&mut self) -> &str {
        match self.chars.peek() {
            Some(&(i, _)) => &self.src[i..],
            None => "",
        }
    }

    fn next_token(&mut self) -> Option<Token> {
        loop {
            let (_, c) = self.chars.next()?;
            return Some(match c {
                c if c.is_whitespace() => continue,
                '-' if self.eat('-') => {
                    self.skip_while(|c| c != '\n');
                    continue;
                }
                '/' if self.eat('*') => {
                    self.skip_block_comment();
                    continue;
                }
                '\'' => self.quoted('\'', "string literal"),
                '"' => self.quoted('"', "quoted identifier"),
                '`' => self.quoted('`', "quoted identifier"),
                '[' => {
                    self.skip_while(|c| c != ']');
                    if self.chars.next().is_none() {
                        self.unterminated = Some("[bracketed identifier]");
                    }
                    Token::Other
                }
                '(' => Token::Open,
                ')' => Token::Close,
                ';' => Token::Semicolon,
                '?' => {
                    let digits = self.take_while(|c| c.is_ascii_digit());
                    let (style, index) = match digits.parse::<usize>() {
                        Ok(n) => (PlaceholderStyle::Numbered, n),
                        Err(_) => (PlaceholderStyle::Anonymous, self.max_index + 1),
                    };
                    self.max_index = self.max_index.max(index);
                    Token::Placeholder(Placeholder {
                        text: format!("?{digits}"),
                        style,
                        index,
                    })
                }
                ':' | '@' | '$' if self.chars.peek().is_some_and(|&(_, n)| is_ident_char(n)) => {
                    let name = self.take_while(is_ident_char);
                    let index = match self.names.iter().find(|(n, _)| *n == name) {
                        Some(&(_, index)) => index,
                        None => {
                            self.max_index += 1;
                            self.names.push((name.clone(), self.max_index));
                            self.max_index
                        }
                    };
                    Token::Placeholder(Placeholder {
                        text: format!("{c}{name}"),
                        style: PlaceholderStyle::Named(name),
                        index,
                    })
                }
                c if is_ident_char(c) => {
                    let mut word = c.to_string();
                    word.push_str(&self.take_while(is_ident_char));
                    // A blob literal x'..' is a word followed by a string: harmless.
                    Token::Word(word)
                }
                _ => Token::Other,
            });
        }
    }

    fn eat(&mut self, expected: char) -> bool {
        self.chars.next_if(|&(_, c)| c == expected).is_some()
    }

    fn skip_while(&mut self, keep: impl Fn(char) -> bool) {
        while self.chars.next_if(|&(_, c)| keep(c)).is_some() {}
    }

    fn take_while(&mut self, keep: impl Fn(char) -> bool) -> String {
        let mut out = String::new();
        while let Some((_, c)) = self.chars.next_if(|&(_, c)| keep(c)) {
            out.push(c);
        }
        out
    }

    fn skip_block_comment(&mut self) {
        let mut star = false;
        for (_, c) in self.chars.by_ref() {
            if star && c == '/' {
                return;
            }
            star = c == '*';
        }
        self.unterminated = Some("/* comment */");
    }

    /// A quoted run; a doubled quote character is an escaped quote.
    fn quoted(&mut self, quote: char, what: &'static str) -> Token {
        loop {
            match self.chars.next() {
                Some((_, c)) if c == quote => {
                    if !self.eat(quote) {
                        return if quote == '\'' {
                            Token::Other
                        } else {
                            Token::Word(String::new())
                        };
                    }
                }
                Some(_) => {}
                None => {
                    self.unterminated = Some(what);
                    return Token::Other;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indexes(sql: &str) -> Vec<(String, usize)> {
        scan(sql)
            .placeholders
            .into_iter()
            .map(|p| (p.text, p.index))
            .collect()
    }

    #[test]
    fn numbers_placeholders_like_sqlite() {
        assert_eq!(
            indexes("SELECT ?, ?5, ?, :a, @b, :a, $c"),
            [
                ("?", 1),
                ("?5", 5),
                ("?", 6),
                (":a", 7),
                ("@b", 8),
                (":a", 7),
                ("$c", 9)
            ]
            .map(|(t, i)| (t.to_owned(), i))
        );
    }

    #[test]
    fn skips_strings_identifiers_and_comments() {
        let sql = "SELECT '?', 'it''s :x', \"a?b\", [c:d], `e@f` -- ?1 :y\n /* :z ? */ FROM t WHERE id = ?1";
        assert_eq!(indexes(sql), [("?1".to_owned(), 1)]);
        assert_eq!(scan(sql).unterminated, None);
    }

    #[test]
    fn finds_the_kind() {
        assert_eq!(scan("select 1").kind, Kind::Query);
        assert_eq!(
            scan("WITH x AS (SELECT 1) DELETE FROM t").kind,
            Kind::Write { returning: false }
        );
        assert_eq!(
            scan("WITH x AS (SELECT 1) SELECT * FROM x").kind,
            Kind::Query
        );
        assert_eq!(
            scan("INSERT INTO t VALUES (1) RETURNING id").kind,
            Kind::Write { returning: true }
        );
        assert_eq!(
            scan("insert into t select * from u").kind,
            Kind::Write { returning: false }
        );
        assert_eq!(scan("CREATE TABLE t (x)").kind, Kind::Schema);
        assert_eq!(scan("PRAGMA user_version").kind, Kind::Other);
    }

    #[test]
    fn detects_a_second_statement() {
        assert_eq!(scan("SELECT 1;").trailing_statement, None);
        assert_eq!(scan("SELECT 1; -- done\n").trailing_statement, None);
        assert_eq!(
            scan("SELECT 1; DELETE FROM t")
                .trailing_statement
                .as_deref(),
            Some("DELETE FROM t")
        );
        assert_eq!(scan("SELECT ';'").trailing_statement, None);
    }

    #[test]
    fn reports_unterminated_quotes() {
        assert_eq!(scan("SELECT 'abc").unterminated, Some("string literal"));
        assert_eq!(scan("SELECT 1 /* x").unterminated, Some("/* comment */"));
    }
}
