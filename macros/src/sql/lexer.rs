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

#[derive(Debug, PartialEq)]
pub(crate) enum Token {
    Word(String),
    /// A quoted identifier ("x", `x`, [x]): a name, never a keyword.
    Quoted(String),
    Dot,
    Comma,
    Equals,
    Open,
    Close,
    Semicolon,
    Placeholder(Placeholder),
    Other,
}

/// The name at `tokens[i]` (a word or quoted identifier), skipping a `schema.` prefix; with the
/// index after it.
pub(crate) fn name_at(tokens: &[Token], i: usize) -> Option<(String, usize)> {
    let name = |t: &Token| match t {
        Token::Word(w) if !is_reserved(w) => Some(w.to_ascii_lowercase()),
        Token::Quoted(q) => Some(q.to_ascii_lowercase()),
        _ => None,
    };
    let first = name(tokens.get(i)?)?;
    if tokens.get(i + 1) == Some(&Token::Dot) {
        let second = name(tokens.get(i + 2)?)?;
        return Some((second, i + 3));
    }
    Some((first, i + 1))
}

pub(crate) fn is_reserved(w: &str) -> bool {
    const RESERVED: &[&str] = &[
        "SELECT",
        "FROM",
        "WHERE",
        "JOIN",
        "ON",
        "USING",
        "AS",
        "LEFT",
        "RIGHT",
        "INNER",
        "OUTER",
        "CROSS",
        "NATURAL",
        "FULL",
        "GROUP",
        "ORDER",
        "BY",
        "LIMIT",
        "OFFSET",
        "HAVING",
        "UNION",
        "ALL",
        "EXCEPT",
        "INTERSECT",
        "VALUES",
        "SET",
        "INTO",
        "DEFAULT",
        "RETURNING",
        "WITH",
        "RECURSIVE",
        "OR",
        "AND",
        "NOT",
        "NULL",
        "INDEXED",
        "WINDOW",
        "LATERAL",
    ];
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(w))
}

pub(crate) fn is_word(t: Option<&Token>, keyword: &str) -> bool {
    matches!(t, Some(Token::Word(w)) if w.eq_ignore_ascii_case(keyword))
}

pub(crate) struct Lexer<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    src: &'a str,
    max_index: usize,
    names: Vec<(String, usize)>,
    unterminated: Option<&'static str>,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(src: &'a str) -> Lexer<'a> {
        Lexer {
            chars: src.char_indices().peekable(),
            src,
            max_index: 0,
            names: Vec::new(),
            unterminated: None,
        }
    }

    /// What was left open at the end (a string, a quoted identifier, a comment), if anything.
    pub(crate) fn unterminated(&self) -> Option<&'static str> {
        self.unterminated
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$' || !c.is_ascii()
}

impl Lexer<'_> {
    pub(crate) fn rest(&mut self) -> &str {
        match self.chars.peek() {
            Some(&(i, _)) => &self.src[i..],
            None => "",
        }
    }

    pub(crate) fn next_token(&mut self) -> Option<Token> {
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
                    let name = self.take_while(|c| c != ']');
                    if self.chars.next().is_none() {
                        self.unterminated = Some("[bracketed identifier]");
                    }
                    Token::Quoted(name)
                }
                '.' if !self.chars.peek().is_some_and(|&(_, n)| n.is_ascii_digit()) => Token::Dot,
                '=' => Token::Equals,
                ',' => Token::Comma,
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
        let mut text = String::new();
        loop {
            match self.chars.next() {
                Some((_, c)) if c == quote => {
                    if !self.eat(quote) {
                        return if quote == '\'' {
                            Token::Other
                        } else {
                            Token::Quoted(text)
                        };
                    }
                    text.push(quote);
                }
                Some((_, c)) => text.push(c),
                None => {
                    self.unterminated = Some(what);
                    return Token::Other;
                }
            }
        }
    }
}
