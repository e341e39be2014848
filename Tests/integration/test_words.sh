# test_words.sh - a compiled word index (`pwguard words compile`) as the list of the DC's check password
# script: Samba refuses a password containing a word of the compiled list and accepts one that contains
# none; a damaged index refuses every change (a configuration error, like a missing list).
#
#   check password script = exec $LAB/bin/pwguard-words check --config $LAB/words/words.toml
#
# The list: 50,000 synthetic words (consonant-vowel syllables, 6-10 letters) plus "kelpcorp", compiled with
# the binary under test ($PWGUARD, else the one test_pwguard.sh copied to $LAB/bin/pwguard).

WD_BIN=$LAB/bin/pwguard-words
WD_DIR=$LAB/words
WD_CONFIG=$WD_DIR/words.toml
WD_INDEX=$WD_DIR/words.pwgw
WD_USER=wd_user

setup_file() {
    local bin=${PWGUARD:-$LAB/bin/pwguard}
    [ -x "$bin" ] || { echo "no pwguard binary (set PWGUARD, or run test_pwguard.sh first, which builds one)"; return 1; }
    mkdir -p "$LAB/bin" "$WD_DIR"
    cp -f "$bin" "$WD_BIN.new" && chmod 0755 "$WD_BIN.new" && mv -f "$WD_BIN.new" "$WD_BIN" || return 1
    awk 'BEGIN {
        srand(7); split("b d f g j m n p r", c, " "); split("a e i o u", v, " ")
        print "kelpcorp"
        for (made = 0; made < 50000; made++) {
            w = ""; n = 6 + int(rand() * 5)
            while (length(w) < n) w = w c[1 + int(rand() * 9)] v[1 + int(rand() * 5)]
            print substr(w, 1, n)
        }
    }' > "$WD_DIR/words.txt"
    "$WD_BIN" words compile "$WD_DIR/words.txt" -o "$WD_INDEX" || return 1
    cat > "$WD_CONFIG" <<TOML
default_policy = "p"
[lists]
company = "$WD_INDEX"
[[policy]]
name = "p"
[[policy.rule_set]]
[[policy.rule_set.rule]]
id = "dictionary"
lists = ["company"]
TOML
    "$WD_BIN" config check "$WD_CONFIG" || { echo "the words configuration is invalid"; return 1; }
    lab_use_cps "exec $WD_BIN check --config $WD_CONFIG" || { echo "cannot restart the DC with pwguard"; return 1; }
    if ! lab_user_exists "$WD_USER"; then
        lab_user_add "$WD_USER" 'Vx9-Kelp-Zorbu-Frimt-0' || { echo "cannot create $WD_USER"; return 1; }
    fi
}

test_words_compiled_list_through_samba() {
    expect_refused "setpassword with a word of the compiled list" pw_setpassword_local "$WD_USER" 'My-Kelpc0rp-2024'
    cannot_login "$WD_USER" 'My-Kelpc0rp-2024'
    expect_ok "setpassword with no listed word" pw_setpassword_local "$WD_USER" 'Vx9-Kelp-Zorbu-Frimt-2'
    can_login "$WD_USER" 'Vx9-Kelp-Zorbu-Frimt-2'
}

test_words_damaged_index_refuses_every_change() {
    cp -f "$WD_INDEX" "$WD_INDEX.good"
    head -c 100000 "$WD_INDEX.good" > "$WD_INDEX"
    assert_match "words info on the damaged index" "truncated" "$("$WD_BIN" words info "$WD_INDEX" 2>&1)"
    expect_refused "setpassword while the index is damaged" pw_setpassword_local "$WD_USER" 'Vx9-Kelp-Zorbu-Frimt-3'
    mv -f "$WD_INDEX.good" "$WD_INDEX"
    expect_ok "setpassword once the index is whole again" pw_setpassword_local "$WD_USER" 'Vx9-Kelp-Zorbu-Frimt-4'
}
